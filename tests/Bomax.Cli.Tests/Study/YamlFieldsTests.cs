using Bomax.Cli.Study;
using Bomax.Cli.Study.Spec;
using Bomax.Engine.Model;
using YamlDotNet.RepresentationModel;

namespace Bomax.Cli.Tests.Study;

/// <summary>
/// <see cref="YamlFields"/>, the helper the spec's section readers are written on: each reader returns the value or
/// null, and every null comes with one error at the right line, column and field (and a suggestion where one is near).
/// </summary>
public class YamlFieldsTests
{
    const string File = "spec.yml";

    readonly YamlFields fields = new(File);

    /// <summary>The top-level mapping of <paramref name="yaml"/>.</summary>
    static YamlMappingNode Mapping(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The value of <paramref name="key"/> in the mapping of <paramref name="yaml"/>.</summary>
    static YamlNode Value(string yaml, string key = "k") => Mapping(yaml).Children[new YamlScalarNode(key)];

    SpecError SingleError()
    {
        Assert.True(fields.Errors.Count == 1, "expected one error, got:\n" + string.Join("\n", fields.Errors));
        return fields.Errors[0];
    }

    void AssertError(int line, int column, string field, string message)
    {
        var error = SingleError();
        Assert.Equal((File, line, column, field, message), (error.File, error.Line, error.Column, error.Field, error.Message));
    }

    // ---- keys ----------------------------------------------------------------------------------

    [Fact]
    public void KeysKeepsTheKnownKeysAndSuggestsTheNearestForAnUnknownOne()
    {
        var section = fields.Keys(Mapping("retries: 2\nparalel: 3\n"), "eval", ["retries", "parallel"], required: true)!;

        Assert.Equal(new[] { "retries" }, section.Entries.Keys);
        Assert.Equal("2", YamlFields.Raw(section.Value("retries")));
        Assert.Equal("eval.retries", section.FieldOf("retries"));
        AssertError(2, 1, "eval.paralel", "unknown key 'paralel'; did you mean 'parallel'?");
        Assert.Contains("parallel", section.Suggested);
    }

    [Fact]
    public void KeysListsTheKnownKeysWhenNoneIsNear()
    {
        fields.Keys(Mapping("frobnicate: 1\n"), "budget", ["max-evals", "max-time"], required: false);
        AssertError(1, 1, "budget.frobnicate", "unknown key 'frobnicate'; known keys here: max-evals, max-time");
    }

    [Fact]
    public void KeysRefusesWhatIsNotAMappingButLetsAnOptionalOneBeEmpty()
    {
        Assert.Null(fields.Keys(Value("k: \n"), "stop", ["prob-best"], required: false));
        Assert.Empty(fields.Errors);

        Assert.Null(fields.Keys(Value("k: [1]\n"), "stop", ["prob-best", "expected-shortfall"], required: false));
        AssertError(1, 4, "stop", "expected a mapping with prob-best:, expected-shortfall:, found a list");
    }

    [Fact]
    public void KeysSaysWhatWasExpectedWhenTheCallerDoes()
    {
        fields.Keys(Value("k: text\n"), "checkpoints", ["glob"], required: true, expected: "a mapping with glob: (a pattern)");
        AssertError(1, 4, "checkpoints", "expected a mapping with glob: (a pattern), found 'text'");
    }

    [Fact]
    public void AMissingKeyIsReportedAtItsMappingUnlessAMisspellingOfItWasAlready()
    {
        var section = fields.Keys(Mapping("a: 1\nnmae: x\n"), "benchmarks[0]", ["a", "name"], required: true)!;
        Assert.Null(fields.Required(section, "name", "the benchmark's name"));
        AssertError(2, 1, "benchmarks[0].nmae", "unknown key 'nmae'; did you mean 'name'?"); // not also "missing"

        var other = new YamlFields(File);
        var plain = other.Keys(Mapping("a: 1\n"), "eval", ["a", "command"], required: true)!;
        Assert.Null(other.Required(plain, "command", "the command"));
        var error = Assert.Single(other.Errors);
        Assert.Equal((1, 1, "eval.command", "missing required key 'command' (the command)"), (error.Line, error.Column, error.Field, error.Message));
    }

    [Fact]
    public void ARequiredKeyWrittenWithoutAValueIsGivenToTheReaderToRefuse()
    {
        var section = fields.Keys(Mapping("command:\n"), "eval", ["command"], required: true)!;
        var node = fields.Required(section, "command", "the command");

        Assert.NotNull(node);
        Assert.Null(section.Value("command")); // for optional keys: as good as absent
        Assert.Null(fields.Text(node!, "eval.command", "a command"));
        Assert.Equal(("eval.command", "expected a command, found nothing"), (SingleError().Field, SingleError().Message));
    }

    // ---- scalars -------------------------------------------------------------------------------

    [Theory]
    [InlineData("k: ''\n", "expected a name, found an empty string")]
    [InlineData("k: [a]\n", "expected a name, found a list")]
    [InlineData("k: { a: b }\n", "expected a name, found a mapping")]
    public void TextRefusesWhatIsNotText(string yaml, string message)
    {
        Assert.Null(fields.Text(Value(yaml), "f", "a name"));
        AssertError(1, 4, "f", message);
    }

    [Fact]
    public void TextReadsAQuotedNumberOrWordAsItIs()
    {
        Assert.Equal("007", fields.Text(Value("k: '007'\n"), "f"));
        Assert.Equal("null", fields.Text(Value("k: 'null'\n"), "f")); // quoted: text, not YAML's null
        Assert.Empty(fields.Errors);
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData("+3", 3)]
    [InlineData(" 1", 1)]
    public void IntegerReadsAWholeNumber(string text, int expected)
    {
        Assert.Equal(expected, fields.Integer(Value($"k: '{text}'\n"), "f", 1, "a count"));
        Assert.Empty(fields.Errors);
    }

    [Theory]
    [InlineData("0", "must be at least 1, found 0")]
    [InlineData("1.5", "expected a count, found '1.5'")]
    [InlineData("two", "expected a count, found 'two'")]
    [InlineData("99999999999", "expected a count, found '99999999999'")]
    public void IntegerRefusesOtherNumbersAndWords(string text, string message)
    {
        Assert.Null(fields.Integer(Value($"k: {text}\n"), "f", 1, "a count"));
        AssertError(1, 4, "f", message);
    }

    [Theory]
    [InlineData("0.25", 0.25)]
    [InlineData("-1e3", -1000)]
    [InlineData(".inf", double.PositiveInfinity)]
    [InlineData("-.Inf", double.NegativeInfinity)]
    [InlineData(".NaN", double.NaN)]
    public void NumberReadsYamlsNumbers(string text, double expected)
    {
        Assert.Equal(expected, fields.Number(Value($"k: {text}\n"), "f", "a number"));
        Assert.Empty(fields.Errors);
    }

    [Theory]
    [InlineData("0", "must be a positive, finite number, found '0'")]
    [InlineData("-2", "must be a positive, finite number, found '-2'")]
    [InlineData(".inf", "must be a positive, finite number, found '.inf'")]
    [InlineData(".nan", "must be a positive, finite number, found '.nan'")]
    [InlineData("heavy", "expected a weight, found 'heavy'")]
    public void PositiveNumberRefusesZeroNegativesAndTheInfinite(string text, string message)
    {
        Assert.Null(fields.PositiveNumber(Value($"k: {text}\n"), "w", "a weight"));
        AssertError(1, 4, "w", message);
    }

    [Fact]
    public void DurationReadsUnitsAndRefusesZero()
    {
        Assert.Equal(TimeSpan.FromMinutes(90), fields.Duration(Value("k: 1h30m\n"), "t"));
        Assert.Empty(fields.Errors);

        Assert.Null(fields.Duration(Value("k: 0s\n"), "t"));
        AssertError(1, 4, "t", "must be longer than 0, found '0s'");
    }

    [Fact]
    public void DurationSaysWhichUnitItDoesNotKnow()
    {
        Assert.Null(fields.Duration(Value("k: 30min\n"), "t"));
        Assert.Contains("unknown unit 'min'", SingleError().Message);
    }

    // ---- choices and templates -----------------------------------------------------------------

    [Fact]
    public void ChoiceReadsAWordOrAnAliasIntoItsValue()
    {
        Assert.Equal(ComputeDevice.Cuda, fields.Choice(Value("k: cuda\n"), "d", EngineWords.Devices));
        Assert.Equal(ScoreGoal.Minimize, fields.Choice(Value("k: min\n"), "g", EngineWords.Goals));
        Assert.Empty(fields.Errors);
    }

    [Fact]
    public void ChoiceNamesTheWordsAndTheOneMeant()
    {
        Assert.Null(fields.Choice(Value("k: gpu\n"), "engine.device", EngineWords.Devices));
        AssertError(1, 4, "engine.device", "'gpu' is not one of auto, cpu, cuda; did you mean 'cuda'?");
    }

    [Fact]
    public void ChoiceOfAnOptionalKeyFallsBackOnlyWhenItIsAbsent()
    {
        var section = fields.Keys(Mapping("kernel: rbf\nacquisition: nope\n"), "engine", ["kernel", "acquisition", "device"], required: true)!;

        Assert.Equal(StepKernel.Rbf, fields.Choice(section, "kernel", EngineWords.Kernels, StepKernel.Matern52));
        Assert.Equal(ComputeDevice.Auto, fields.Choice(section, "device", EngineWords.Devices, ComputeDevice.Auto));
        Assert.Null(fields.Choice(section, "acquisition", EngineWords.Acquisitions, AcquisitionRule.RowFirst));
        AssertError(2, 14, "engine.acquisition", "'nope' is not one of row-first, row, cell");
    }

    [Fact]
    public void TemplateReturnsThePlaceholdersUsedAndRefusesUnknownOnes()
    {
        Assert.Equal(new[] { "benchmark", "checkpoint" }, fields.Template(Value("k: run {checkpoint} {benchmark}\n"), "c")!.Order());
        Assert.Empty(fields.Errors);

        // The known ones are still returned, so the command is checked further; the unknown one is an error.
        Assert.Equal(new[] { "step" }, fields.Template(Value("k: run {checkpiont} {step}\n"), "eval.command"));
        AssertError(1, 4, "eval.command", "unknown placeholder '{checkpiont}'; did you mean '{checkpoint}'?");

        Assert.Null(fields.Template(Value("k: [run]\n"), "c"));
    }

    // ---- checks and warnings -------------------------------------------------------------------

    [Fact]
    public void CheckedPassesAGoodValueRefusesABadOneAndLeavesANullAlone()
    {
        var node = Value("k: 5\n");
        Assert.Equal(5, fields.Checked<int>(5, node, "f", v => v > 9 ? "too big" : null));
        Assert.Null(fields.Checked<int>(null, node, "f", _ => "never asked"));
        Assert.Empty(fields.Errors);

        Assert.Null(fields.Checked<int>(12, node, "f", v => v > 9 ? $"too big: {v}" : null));
        AssertError(1, 4, "f", "too big: 12");
    }

    [Fact]
    public void AWarningIsKeptApartFromTheErrors()
    {
        fields.Warn(Value("a: 1\nk: old\n"), "f", "deprecated");

        Assert.Empty(fields.Errors);
        var warning = Assert.Single(fields.Warnings);
        Assert.Equal("spec.yml:2:4: f: deprecated", warning.ToString());
    }
}
