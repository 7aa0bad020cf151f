using Bomax.Cli.Evaluation;

namespace Bomax.Cli.Tests.Evaluation;

public class CommandTemplateTests
{
    private static readonly Dictionary<string, string> Values = new()
    {
        ["checkpoint"] = "step-1000",
        ["checkpoint_path"] = "/data/my checkpoints/step 1000",
        ["step"] = "1000",
        ["benchmark"] = "arc_easy",
        ["output_dir"] = "/tmp/out dir",
    };

    private static IReadOnlyList<string> Words(string template, IReadOnlyDictionary<string, string>? values = null)
    {
        var result = CommandTemplate.ToArguments(template, values ?? Values);
        return Assert.IsType<TemplateResult<IReadOnlyList<string>>.Ok>(result).Value;
    }

    private static string ArgumentsError(string template) =>
        Assert.IsType<TemplateResult<IReadOnlyList<string>>.Invalid>(CommandTemplate.ToArguments(template, Values)).Message;

    private static string Script(string template) =>
        Assert.IsType<TemplateResult<string>.Ok>(CommandTemplate.ToBashScript(template)).Value;

    [Fact]
    public void SplitsOnAnyRunOfBlanks()
    {
        Assert.Equal(["lm_eval", "--model", "hf", "--tasks", "x"], Words("  lm_eval\t--model  hf \\\n --tasks\nx  "));
    }

    [Fact]
    public void SingleQuotesKeepEverythingLiteral()
    {
        Assert.Equal(["echo", "a  b $HOME \\n \"q\""], Words("echo 'a  b $HOME \\n \"q\"'"));
    }

    [Fact]
    public void DoubleQuotesGroupAndBackslashEscapesOnlyShellSpecials()
    {
        Assert.Equal(["echo", "a \"b\" \\ $x \\n `"], Words("echo \"a \\\"b\\\" \\\\ \\$x \\n \\`\""));
    }

    [Fact]
    public void UnquotedBackslashEscapesTheNextCharacter()
    {
        Assert.Equal(["cat", "my file", "'x'"], Words("cat my\\ file \\'x\\'"));
    }

    [Fact]
    public void AdjacentQuotedPartsFormOneWordAndEmptyQuotesAnEmptyWord()
    {
        Assert.Equal(["cmd", "--x=a bc de", "", ""], Words("cmd --x='a b'\"c d\"e '' \"\""));
    }

    [Fact]
    public void PlaceholderValueWithSpacesStaysInsideOneArgument()
    {
        var words = Words("lm_eval --model hf --model_args pretrained={checkpoint_path},dtype=bfloat16 "
                          + "--tasks {benchmark} --output_path {output_dir} --seed {step}");
        Assert.Equal(
            ["lm_eval", "--model", "hf", "--model_args", "pretrained=/data/my checkpoints/step 1000,dtype=bfloat16",
             "--tasks", "arc_easy", "--output_path", "/tmp/out dir", "--seed", "1000"],
            words);
    }

    [Fact]
    public void PlaceholdersAreReplacedInsideQuotesToo()
    {
        Assert.Equal(["run", "name=step-1000", "at /tmp/out dir"], Words("run 'name={checkpoint}' \"at {output_dir}\""));
    }

    [Fact]
    public void ValuesAreNotScannedForFurtherPlaceholdersOrQuotes()
    {
        var values = new Dictionary<string, string>(Values)
        {
            ["checkpoint"] = "{benchmark} 'quoted' \"dq\" $(x) `y` ; z",
        };
        Assert.Equal(["eval", "{benchmark} 'quoted' \"dq\" $(x) `y` ; z", "arc_easy"],
                     Words("eval {checkpoint} {benchmark}", values));
    }

    [Fact]
    public void UnknownBracesAreLeftAsTheyAre()
    {
        Assert.Equal(["run", "{foo}", "{\"temperature\": 0}", "{}"],
                     Words("run {foo} '{\"temperature\": 0}' {}"));
    }

    [Theory]
    [InlineData("lm_eval --model_args 'pretrained={checkpoint_path}", "single quote", 22)]
    [InlineData("lm_eval \"--tasks {benchmark}", "double quote", 9)]
    public void UnbalancedQuotesAreAnErrorNamingWhere(string template, string quote, int position)
    {
        string message = ArgumentsError(template);
        Assert.Contains("unbalanced quotes", message);
        Assert.Contains(quote, message);
        Assert.Contains($"character {position}", message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public void EmptyOrBlankCommandIsAnError(string template)
    {
        Assert.Contains("empty", ArgumentsError(template));
    }

    [Fact]
    public void EmptyQuotedCommandIsOneEmptyWordForTheRunnerToReject()
    {
        Assert.Equal([""], Words("''"));
    }

    [Fact]
    public void BashScriptQuotesPlaceholderReferencesOutsideQuotes()
    {
        Assert.Equal("lm_eval --model_args pretrained=\"${BOMAX_CHECKPOINT_PATH}\" --tasks \"${BOMAX_BENCHMARK}\" "
                     + "--output_path \"${BOMAX_OUTPUT_DIR}\" | tee \"${BOMAX_OUTPUT_DIR}\"/log.txt",
                     Script("lm_eval --model_args pretrained={checkpoint_path} --tasks {benchmark} "
                            + "--output_path {output_dir} | tee {output_dir}/log.txt"));
    }

    [Fact]
    public void BashScriptUsesPlainReferenceInsideDoubleQuotes()
    {
        Assert.Equal("echo \"step ${BOMAX_STEP} of ${BOMAX_CHECKPOINT}\"", Script("echo \"step {step} of {checkpoint}\""));
    }

    [Fact]
    public void BashScriptClosesSingleQuotesAroundTheReference()
    {
        Assert.Equal("echo 'name='\"${BOMAX_CHECKPOINT}\"''", Script("echo 'name={checkpoint}'"));
        Assert.Equal("echo $'a\\'b '\"${BOMAX_STEP}\"$''", Script("echo $'a\\'b {step}'"));
    }

    [Fact]
    public void BashScriptLeavesBashsOwnSyntaxAlone()
    {
        Assert.Equal("echo ${checkpoint} {foo} $HOME \\{step} \"${BOMAX_STEP}\"",
                     Script("echo ${checkpoint} {foo} $HOME \\{step} {step}"));
    }

    [Fact]
    public void TheSpecCheckTheArgumentsAndTheBashScriptSeeTheSamePlaceholders()
    {
        const string template = "eval ${checkpoint} {checkpoint} {chekpoint} {HOME} --at {step}";
        var (unknown, used) = CommandTemplate.Scan(template);
        Assert.Equal(["checkpoint", "step"], used.Order());
        Assert.Equal(["chekpoint", "HOME"], unknown);
        Assert.Equal(["eval", "${checkpoint}", "step-1000", "{chekpoint}", "{HOME}", "--at", "1000"], Words(template));
        Assert.Equal("eval ${checkpoint} \"${BOMAX_CHECKPOINT}\" {chekpoint} {HOME} --at \"${BOMAX_STEP}\"", Script(template));
    }

    [Fact]
    public void BashScriptIgnoresQuotesInComments()
    {
        Assert.Equal("run \"${BOMAX_STEP}\" # don't worry\necho 'x'", Script("run {step} # don't worry\necho 'x'"));
        Assert.Equal("echo a#b'c'", Script("echo a#b'c'"));
    }

    [Theory]
    [InlineData("echo 'it{step}")]
    [InlineData("echo \"{step}")]
    [InlineData("echo $'abc")]
    public void BashScriptRejectsUnbalancedQuotes(string template)
    {
        var invalid = Assert.IsType<TemplateResult<string>.Invalid>(CommandTemplate.ToBashScript(template));
        Assert.Contains("unbalanced quotes", invalid.Message);
    }

    [Fact]
    public void BashScriptRejectsAnEmptyCommand()
    {
        var invalid = Assert.IsType<TemplateResult<string>.Invalid>(CommandTemplate.ToBashScript("  "));
        Assert.Contains("empty", invalid.Message);
    }
}
