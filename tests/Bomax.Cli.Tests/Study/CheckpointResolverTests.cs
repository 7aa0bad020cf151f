using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Study;

public sealed class CheckpointResolverTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "bomax-ckpt-" + Guid.NewGuid().ToString("N"));
    private string SpecPath => Path.Combine(root, "study.yml");

    private static readonly SourcePosition At = new(2, 3);
    private static readonly SourcePosition GlobAt = new(3, 9);
    private static readonly SourcePosition StepAt = new(4, 9);

    public CheckpointResolverTests()
    {
        Directory.CreateDirectory(root);
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private string MakeDirectory(string relative)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(path);
        return path;
    }

    private string MakeFile(string relative)
    {
        string path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        return path;
    }

    private ResolveResult ResolveGlob(string glob, string? step = null) =>
        CheckpointResolver.Resolve(new CheckpointSpec(glob, null, step, At, GlobAt, null, step is null ? null : StepAt), SpecPath, root);

    private ResolveResult ResolveList(IReadOnlyList<string> list, string? step = null) =>
        CheckpointResolver.Resolve(
            new CheckpointSpec(null, list, step, At, null, list.Select((_, i) => new SourcePosition(3 + i, 7)).ToList(),
                step is null ? null : StepAt),
            SpecPath, root);

    private static IReadOnlyList<ResolvedCheckpoint> Ok(ResolveResult result)
    {
        if (result is ResolveResult.Invalid invalid)
            Assert.Fail("expected checkpoints, got:\n" + string.Join("\n", invalid.Errors));
        return Assert.IsType<ResolveResult.Ok>(result).Checkpoints;
    }

    private static SpecError SingleError(ResolveResult result)
    {
        var errors = Assert.IsType<ResolveResult.Invalid>(result).Errors;
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", errors));
        return errors[0];
    }

    [Fact]
    public void GlobMatchesDirectoriesAndFilesOrderedByStepNotByName()
    {
        string d200 = MakeDirectory("runs/sft/checkpoint-200");
        string d1000 = MakeDirectory("runs/sft/checkpoint-1000");
        string f50 = MakeFile("runs/sft/checkpoint-50.safetensors");
        MakeDirectory("runs/sft/logs");
        MakeFile("runs/sft/trainer_state.json");

        var checkpoints = Ok(ResolveGlob("runs/sft/checkpoint-*"));

        Assert.Equal(
            new[]
            {
                new ResolvedCheckpoint("checkpoint-50.safetensors", f50, 50),
                new ResolvedCheckpoint("checkpoint-200", d200, 200),
                new ResolvedCheckpoint("checkpoint-1000", d1000, 1000),
            },
            checkpoints);
    }

    [Fact]
    public void GlobWithTrailingSlashMatchesDirectoriesOnly()
    {
        MakeDirectory("runs/checkpoint-200");
        MakeFile("runs/checkpoint-300.bin");
        var checkpoints = Ok(ResolveGlob("runs/checkpoint-*/"));
        Assert.Equal(new[] { "checkpoint-200" }, checkpoints.Select(c => c.Name));
    }

    [Fact]
    public void GlobSupportsQuestionMarkAndDoubleStar()
    {
        MakeDirectory("runs/a/ckpt-10");
        MakeDirectory("runs/b/deep/ckpt-20");
        MakeDirectory("runs/ckpt-5");
        MakeDirectory("runs/a/ckpt-100");

        Assert.Equal(new long[] { 5, 10, 20, 100 }, Ok(ResolveGlob("runs/**/ckpt-*")).Select(c => c.Step));
        Assert.Equal(new long[] { 10 }, Ok(ResolveGlob("runs/*/ckpt-??")).Select(c => c.Step));
    }

    [Fact]
    public void GlobMayBeAbsolute()
    {
        string d = MakeDirectory("abs/step7");
        var checkpoints = Ok(ResolveGlob(Path.Combine(root, "abs", "step*")));
        Assert.Equal(new ResolvedCheckpoint("step7", d, 7), Assert.Single(checkpoints));
    }

    [Fact]
    public void CustomStepRegexReadsTheFirstCaptureGroupOfTheName()
    {
        MakeDirectory("runs/s200-e1");
        MakeDirectory("runs/s100-e3");
        var checkpoints = Ok(ResolveGlob("runs/s*", step: @"s(\d+)-e"));
        Assert.Equal(new[] { ("s100-e3", 100L), ("s200-e1", 200L) }, checkpoints.Select(c => (c.Name, c.Step)));

        // Without the pattern, the last run of digits (the epoch) would be the step.
        Assert.Equal(new long[] { 1, 3 }, Ok(ResolveGlob("runs/s*")).Select(c => c.Step));
    }

    [Fact]
    public void EmptyGlobErrorNamesTheAbsolutePatternAtTheGlob()
    {
        MakeDirectory("runs/sft");
        var error = SingleError(ResolveGlob("runs/sft/checkpoint-*"));
        Assert.Equal((SpecPath, 3, 9, "checkpoints.glob"), (error.File, error.Line, error.Column, error.Field));
        Assert.Equal($"no file or directory matches {Path.Combine(root, "runs", "sft", "checkpoint-*")}", error.Message);
    }

    [Fact]
    public void EmptyGlobErrorSaysWhichDirectoryIsMissing()
    {
        var error = SingleError(ResolveGlob("nowhere/checkpoint-*"));
        Assert.Contains($"(the directory {Path.Combine(root, "nowhere")} does not exist)", error.Message);
    }

    [Fact]
    public void ListOfPlainNamesNeedNotExist()
    {
        var checkpoints = Ok(ResolveList(["org/model-step1000", "model-step500"]));
        Assert.Equal(
            new[]
            {
                new ResolvedCheckpoint("model-step500", "model-step500", 500),
                new ResolvedCheckpoint("model-step1000", "org/model-step1000", 1000),
            },
            checkpoints);
    }

    [Fact]
    public void ListEntriesThatExistBesideTheSpecBecomeAbsolutePaths()
    {
        string d = MakeDirectory("ckpts/checkpoint-300");
        var checkpoints = Ok(ResolveList(["ckpts/checkpoint-300", "hub-model-400"]));
        Assert.Equal(new[] { d, "hub-model-400" }, checkpoints.Select(c => c.Path));
    }

    [Fact]
    public void RejectsANameWithoutStepAtItsListEntry()
    {
        var error = SingleError(ResolveList(["ckpt-100", "final"]));
        Assert.Equal((4, 7, "checkpoints.list[1]"), (error.Line, error.Column, error.Field));
        Assert.Contains("'final' has no step number", error.Message);
    }

    [Fact]
    public void RejectsANameTheStepRegexDoesNotMatchAtTheStep()
    {
        var error = SingleError(ResolveList(["run-s100", "final-7"], step: @"s(\d+)"));
        Assert.Equal((4, 9, "checkpoints.step"), (error.Line, error.Column, error.Field));
        Assert.Contains("does not find a step in 'final-7'", error.Message);
    }

    [Fact]
    public void RejectsTwoCheckpointsWithTheSameStep()
    {
        MakeDirectory("runs/a-100");
        MakeFile("runs/b-100");
        var error = SingleError(ResolveGlob("runs/*"));
        Assert.Equal((3, 9, "checkpoints.glob"), (error.Line, error.Column, error.Field));
        Assert.Contains("both have step 100", error.Message);
        Assert.Contains(Path.Combine(root, "runs", "a-100"), error.Message);
    }

    [Fact]
    public void RejectsAStepRegexWithoutCaptureGroupOrThatDoesNotCompile()
    {
        var noGroup = SingleError(ResolveList(["c-1"], step: @"c-\d+"));
        Assert.Equal((4, 9, "checkpoints.step"), (noGroup.Line, noGroup.Column, noGroup.Field));
        Assert.Contains("has no capture group", noGroup.Message);

        var broken = SingleError(ResolveList(["c-1"], step: @"c-(\d+"));
        Assert.Contains("is not a valid regular expression", broken.Message);
    }

    [Fact]
    public void ResolvesTheCheckpointsOfASpecReadFromYamlRelativeToItsDirectory()
    {
        string d = MakeDirectory("runs/sft-42/checkpoint-1400");
        MakeDirectory("runs/sft-42/checkpoint-700");
        string yaml =
            "study: s\n" +
            "checkpoints:\n" +
            "  glob: runs/sft-42/checkpoint-*\n" +
            "benchmarks: [a]\n" +
            "eval: { command: 'run {checkpoint_path}' }\n";
        var spec = Assert.IsType<SpecReadResult.Ok>(SpecReader.Read(yaml, SpecPath)).Spec;

        var checkpoints = Ok(CheckpointResolver.Resolve(spec));
        Assert.Equal(new long[] { 700, 1400 }, checkpoints.Select(c => c.Step));
        Assert.Equal(d, checkpoints[1].Path);

        Directory.Delete(Path.Combine(root, "runs"), recursive: true);
        var error = SingleError(CheckpointResolver.Resolve(spec));
        Assert.Equal((SpecPath, 3, 9), (error.File, error.Line, error.Column));
    }
}
