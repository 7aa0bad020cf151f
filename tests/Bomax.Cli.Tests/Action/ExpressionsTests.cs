using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.Action;

/// <summary>The harness's expression evaluator against what GitHub's documentation says each form gives.</summary>
public sealed class ExpressionsTests
{
    static Expressions With(string status = "success") => new(new Dictionary<string, JsonNode?>
    {
        ["inputs"] = new JsonObject { ["mode"] = "run", ["journal-cache"] = "true", ["budget"] = "" },
        ["steps"] = new JsonObject { ["tool-cache"] = new JsonObject { ["outputs"] = new JsonObject { ["cache-hit"] = "true" } } },
        ["needs"] = new JsonObject
        {
            ["plan"] = new JsonObject { ["outputs"] = new JsonObject { ["pending-pairs"] = """[{"checkpoint":"c-1","step":1}]""" } },
        },
        ["github"] = new JsonObject { ["event"] = new JsonObject { ["number"] = 42 } },
    }, () => status);

    [Theory]
    [InlineData("inputs.mode", "run")]
    [InlineData("inputs.journal-cache == 'true'", "true")]
    [InlineData("inputs['journal-cache']", "true")]
    [InlineData("steps.tool-cache.outputs.cache-hit != 'true'", "false")]
    [InlineData("steps.missing.outputs.x", "")]
    [InlineData("inputs.budget || 'spec'", "spec")]
    [InlineData("inputs.mode == 'RUN'", "true")] // strings compare ignoring case
    [InlineData("github.event.number == '42'", "true")] // a number and a string compare as numbers
    [InlineData("!(inputs.mode == 'run' || inputs.mode == 'report')", "false")]
    [InlineData("fromJSON(needs.plan.outputs.pending-pairs)[0].checkpoint", "c-1")]
    [InlineData("format('bomax-{0}-{1}', inputs.mode, 3)", "bomax-run-3")]
    [InlineData("contains(fromJSON('[\"a\",\"b\"]'), 'b')", "true")]
    public void EvaluatesLikeGitHub(string expression, string expected) =>
        Assert.Equal(expected, Expressions.AsString(With().Evaluate(expression)));

    [Fact]
    public void InterpolatesEveryPlaceholder() =>
        Assert.Equal("bomax-run-true", With().Interpolate("bomax-${{ inputs.mode }}-${{ inputs.journal-cache }}"));

    [Theory]
    [InlineData(null, "success", true)]
    [InlineData(null, "failure", false)]
    [InlineData("inputs.mode == 'run'", "failure", false)] // no status function: success() && …
    [InlineData("always() && inputs.mode == 'run'", "failure", true)]
    [InlineData("${{ failure() }}", "failure", true)]
    public void ConditionsAddSuccessUnlessAStatusFunctionIsUsed(string? condition, string status, bool expected) =>
        Assert.Equal(expected, With(status).Condition(condition));

    [Theory]
    [InlineData("secrets.TOKEN")] // a context the step was not given
    [InlineData("hashFiles('**/*.cs')")] // a function the harness does not implement
    [InlineData("inputs.mode ~ 'x'")]
    public void RefusesWhatItDoesNotUnderstand(string expression) =>
        Assert.Throws<FormatException>(() => With().Evaluate(expression));
}
