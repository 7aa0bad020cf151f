using Bomax.Cli.Evaluation;
using Bomax.Cli.Study;
using static Bomax.Cli.Evaluation.JsonPathStep;

namespace Bomax.Cli.Tests.Evaluation;

/// <summary>
/// The spellings of a <c>json:</c> score path: bracketed keys as in JSONPath and Python (exact, however many dots a key
/// holds), beside the JSON Pointer and the older dotted form, which is deprecated where it needs a key that is not a plain
/// name or finds one only by joining its parts.
/// </summary>
public sealed class JsonScorePathTests : IDisposable
{
    private readonly EvaluationSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private static JsonScorePath Parsed(string text)
    {
        var (path, problem) = JsonScorePath.Parse(text);
        Assert.True(path is not null, problem);
        return path!;
    }

    private static string Problem(string text)
    {
        var (path, problem) = JsonScorePath.Parse(text);
        Assert.Null(path);
        return problem!;
    }

    private ScoreResult Extract(string path, string stdout) =>
        ScoreExtractor.Extract(new ScoreRule.JsonPath(path), stdout, Directory.CreateDirectory(_box.Output).FullName, "b");

    // ---- reading the bracketed form ------------------------------------------------------------

    [Fact]
    public void BracketsHoldQuotedKeysExactlyAndIndices()
    {
        Assert.Equal([new Member("results"), new Member("acc,none")], Parsed("results['acc,none']").Steps);
        Assert.Equal([new Member("results"), new Member("mmlu.high_school"), new Member("acc,none")],
            Parsed("results[\"mmlu.high_school\"]['acc,none']").Steps);
        Assert.Equal([new Member("a"), new Member("b"), new Element(0), new Member("c")], Parsed("$.a['b'][0].c").Steps);
        Assert.Equal([new Member("x"), new Element(12)], Parsed("$['x'][ 12 ]").Steps);
        Assert.Equal(JsonPathForm.Bracketed, Parsed("['a.b']").Form);
    }

    [Theory]
    [InlineData(@"['it\'s']", "it's")]
    [InlineData(@"[""say \""hi\""""]", "say \"hi\"")]
    [InlineData(@"['back\\slash']", @"back\slash")]
    [InlineData(@"['\u00e9t\u00E9']", "été")]
    [InlineData(@"['tab\there']", "tab\there")]
    public void QuotedKeysReadBackslashEscapes(string text, string key)
    {
        Assert.Equal([new Member(key)], Parsed(text).Steps);
    }

    [Theory]
    [InlineData("results['acc,none'", "cannot be read at character 19: expected ']'")]
    [InlineData("results['acc,none]", "cannot be read at character 9: the key quoted with ' is not closed")]
    [InlineData("results[acc]['x']", "cannot be read at character 9: a bracket holds a quoted key, ['acc,none'], or an index, [0]")]
    [InlineData("results[-1]['x']", "cannot be read at character 9: a bracket holds a quoted key")]
    [InlineData("results.acc,none['x']", "cannot be read at character 9: 'acc,none' is not a plain name: write it in brackets, ['acc,none']")]
    [InlineData("a..b['c']", "cannot be read at character 3: expected a name after '.'")]
    [InlineData("a['b'] ['c']", "cannot be read at character 7: expected '.' or '[' here")]
    [InlineData(@"['a\qb']", @"cannot be read at character 4: '\q' is not an escape")]
    public void ABracketedPathThatCannotBeReadSaysWhereAndWhy(string text, string message)
    {
        Assert.StartsWith($"the json score path '{text}' {message}", Problem(text));
    }

    [Fact]
    public void WritingKeysAndElementsReadsBackTheSame()
    {
        JsonPathStep[] steps =
            [new Member("results"), new Member("mmlu.high_school"), new Element(3), new Member(@"it's \ odd"), new Member("x_1-y")];
        string written = JsonScorePath.Write(steps);

        Assert.Equal(@"results['mmlu.high_school'][3]['it\'s \\ odd'].x_1-y", written);
        Assert.Equal(steps, Parsed(written).Steps);
    }

    // ---- what is deprecated --------------------------------------------------------------------

    [Theory]
    [InlineData("results.mmlu.acc,none", "results.mmlu['acc,none']", "acc,none")]
    [InlineData("$.a.b[1].acc,none", "a.b[1]['acc,none']", "acc,none")]
    [InlineData("results.0.score", "results['0'].score", "0")]
    [InlineData("results.b[x].c", "results['b[x]'].c", "b[x]")]
    public void ADottedPathWithAKeyThatIsNotAPlainNameIsDeprecatedForItsBracketedForm(string text, string instead, string odd)
    {
        string deprecation = Parsed(text).Deprecation!;
        Assert.StartsWith($"'{text}' is a dotted path with a key that is not a plain name ('{odd}'); such paths are deprecated", deprecation);
        Assert.Contains($"write {instead} instead", deprecation);
        Assert.Null(Parsed(instead).Deprecation);
    }

    [Theory]
    [InlineData("results.score")]
    [InlineData("a.b[1].c")]
    [InlineData("$.results.arc_easy.acc-norm")]
    [InlineData("[0].x")]
    [InlineData("results['acc,none']")]
    [InlineData("/results/mmlu.high_school/acc,none")]
    public void PlainDottedBracketedAndPointerPathsAreNotDeprecated(string text)
    {
        Assert.Null(Parsed(text).Deprecation);
    }

    // ---- following each form -------------------------------------------------------------------

    [Fact]
    public void ABracketedKeyWithDotsIsReadOneWayOnly()
    {
        var stdout = """{"a.b": {"c": 1}, "a": {"b.c": 2}, "x.y": {"z": 9}}""";

        Assert.Equal(1, Assert.IsType<Scored>(Extract("['a.b'].c", stdout)).Score);
        Assert.Equal(2, Assert.IsType<Scored>(Extract("a['b.c']", stdout)).Score);
        var scored = Assert.IsType<Scored>(Extract("['x.y']['z']", stdout));
        Assert.Equal("standard output: ['x.y']['z']", scored.Source);
        // No joined-key reading: the key is what the brackets say.
        Assert.StartsWith("the JSON on standard output has no number at 'x['y.z']': the top level has no key 'x' (keys: a.b, a, x.y)",
            Assert.IsType<Unparseable>(Extract("x['y.z']", stdout)).Message);
    }

    [Fact]
    public void ABracketedIndexSaysWhatItFoundInstead()
    {
        var stdout = """{"a": {"list": [10, 20]}}""";

        Assert.Equal(20, Assert.IsType<Scored>(Extract("a['list'][1]", stdout)).Score);
        Assert.Contains("'list' has 2 elements, so no [5]", Assert.IsType<Unparseable>(Extract("a['list'][5]", stdout)).Message);
        Assert.Contains("'a' is an object, not an array to take [0] of", Assert.IsType<Unparseable>(Extract("['a'][0]", stdout)).Message);
    }

    [Fact]
    public void ADottedPathReadByJoiningKeysNamesTheBracketedPathItFollowed()
    {
        var scored = Assert.IsType<Scored>(Extract("x.y.z", """{"x.y": {"z": 9}}"""));

        Assert.Equal(9, scored.Score);
        Assert.Equal("standard output: x.y.z (a deprecated dotted path; it was read as ['x.y'].z: write that)", scored.Source);
    }

    [Fact]
    public void ADottedPathReadAsALiteralKeyWithBracketsNamesTheBracketedPathItFollowed()
    {
        var scored = Assert.IsType<Scored>(Extract("a.b[0]", """{"a": {"b[0]": 4}}"""));
        Assert.Equal("standard output: a.b[0] (a deprecated dotted path; it was read as a['b[0]']: write that)", scored.Source);
    }

    [Fact]
    public void ADeprecatedDottedPathThatIsReadAsWrittenSaysSoToo()
    {
        var scored = Assert.IsType<Scored>(Extract("results.mmlu.acc,none", """{"results": {"mmlu": {"acc,none": 0.5}}}"""));
        Assert.Equal("standard output: results.mmlu.acc,none (a deprecated dotted path; it was read as results.mmlu['acc,none']: write that)",
            scored.Source);
    }

    [Fact]
    public void TheExtractorRefusesABracketedPathItCannotRead()
    {
        Assert.Equal("the json score path 'a['b'' cannot be read at character 6: expected ']'",
            Assert.IsType<Unparseable>(Extract("a['b'", "{}")).Message);
        Assert.Equal(Problem("a['b'"), ScoreExtractor.PathProblem("a['b'"));
    }
}
