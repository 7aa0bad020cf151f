using Bomax.Cli.Journal;
using Bomax.Cli.Study;
using Bomax.Engine.Grid;

namespace Bomax.Cli.Tests.Study;

/// <summary><c>prior:</c> in a spec: paths read against the spec's folder, each an earlier run's journal or score table, aligned to
/// the study's benchmarks and turned the study's way; every problem an error at its line.</summary>
public sealed class PriorSpecTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-prior-").FullName;
    public void Dispose() => Directory.Delete(directory, recursive: true);

    string Spec(string prior)
    {
        var path = Path.Combine(directory, "study.yml");
        File.WriteAllText(path, "study: rerun\n"                       // 1
            + "checkpoints:\n"                                         // 2
            + "  list: [ckpt-100, ckpt-200, ckpt-300]\n"               // 3
            + "benchmarks:\n"                                          // 4
            + "  - arc\n"                                              // 5
            + "  - { name: perplexity, goal: minimize }\n"             // 6
            + "  - mmlu\n"                                             // 7
            + "eval:\n"                                                // 8
            + "  command: ./eval.sh {checkpoint} {benchmark}\n"        // 9
            + prior);                                                  // 10 on
        return path;
    }

    void Table(string name, string text) => File.WriteAllText(Path.Combine(directory, name), text);

    [Fact]
    public void ATableAndAJournalAreReadAlignedAndTurnedTheStudysWay()
    {
        Table("first.tsv", "CHECKPOINT\tmmlu\tperplexity\tpiqa\nckpt-10\t0.30\t12.0\t0.6\nckpt-20\t0.35\t11.0\t0.61\nckpt-30\t0.36\t10.5\t0.62\n");
        Directory.CreateDirectory(Path.Combine(directory, "runs"));
        var journal = Path.Combine(directory, "runs", "second.jsonl");
        JournalFile.Append(journal, new EvaluationRecord("ckpt-5", 5, "arc", 0.50, null, 30, 1) { Time = DateTimeOffset.UnixEpoch });
        JournalFile.Append(journal, new EvaluationRecord("ckpt-9", 9, "arc", 0.52, null, 30, 1) { Time = DateTimeOffset.UnixEpoch });
        // The latest record of a pair counts.
        JournalFile.Append(journal, new EvaluationRecord("ckpt-9", 9, "arc", 0.54, null, 30, 2) { Time = DateTimeOffset.UnixEpoch });

        var load = StudyContext.Load(Spec("prior: [first.tsv, runs/second.jsonl]\n"));

        var study = Assert.IsType<StudyLoad.Ok>(load).Study;
        Assert.Equal([Path.Combine(directory, "first.tsv"), journal], study.Spec.Prior.Select(p => p.Path));
        var runs = study.Engine.Earlier!.Runs;
        Assert.Equal(2, runs.Count);
        Assert.Equal(1, study.Spec.Engine.Init); // what the earlier runs say lets the model choose sooner
        // The table: mmlu (study column 2) as it is, perplexity (column 1) negated as the study minimises it, piqa left out.
        Assert.Equal(6, runs[0].Observations.Count);
        Assert.Contains(new Observation(new Cell(0, 2), 0.30), runs[0].Observations);
        Assert.Contains(new Observation(new Cell(2, 1), -10.5), runs[0].Observations);
        // The journal: its own checkpoints by step, the latest record of a pair.
        Assert.Equal(["ckpt-5", "ckpt-9"], runs[1].Grid.Checkpoints.Select(c => c.Name));
        Assert.Equal([new Observation(new Cell(0, 0), 0.50), new Observation(new Cell(1, 0), 0.54)], runs[1].Observations);
    }

    [Fact]
    public void NoPriorLeavesTheEngineWithoutEarlierRuns()
    {
        var study = Assert.IsType<StudyLoad.Ok>(StudyContext.Load(Spec(""))).Study;
        Assert.Empty(study.Spec.Prior);
        Assert.Null(study.Engine.Earlier);
        Assert.Equal(2, study.Spec.Engine.Init);
    }

    [Fact]
    public void AnInitialDesignWrittenInTheSpecIsKeptWithAPrior()
    {
        Table("first.tsv", "CHECKPOINT\tmmlu\tarc\nckpt-10\t0.30\t0.4\nckpt-20\t0.35\t0.4\nckpt-30\t0.36\t0.5\n");
        var study = Assert.IsType<StudyLoad.Ok>(StudyContext.Load(Spec("prior: first.tsv\nengine: { seed: 3, init: 2 }\n"))).Study;
        Assert.Equal(2, study.Spec.Engine.Init);
        Assert.Equal(3, study.Spec.Engine.Seed);
    }

    [Theory]
    [InlineData("prior: [first.tsv, missing.tsv]\n", 10, 20, "prior[1]", "does not exist")]
    [InlineData("prior: other.tsv\n", 10, 8, "prior", "shares no benchmark with the study (its benchmarks: piqa, hellaswag)")]
    [InlineData("prior: ragged.tsv\n", 10, 8, "prior", "cannot use it as a score table")]
    [InlineData("prior:\n  - first.tsv\n  - runs\n", 12, 5, "prior[1]", "is a directory")]
    public void APriorThatCannotBeUsedIsAnErrorAtItsLine(string prior, int line, int column, string field, string message)
    {
        Table("first.tsv", "CHECKPOINT\tmmlu\tarc\nckpt-10\t0.30\t0.4\nckpt-20\t0.35\t0.4\nckpt-30\t0.36\t0.5\n");
        Table("other.tsv", "CHECKPOINT\tpiqa\thellaswag\nckpt-10\t0.30\t0.4\nckpt-20\t0.35\t0.4\nckpt-30\t0.36\t0.5\n");
        Table("ragged.tsv", "CHECKPOINT\tmmlu\tarc\nckpt-10\t0.30\nckpt-20\t0.35\t0.4\nckpt-30\t0.36\t0.5\n");
        Directory.CreateDirectory(Path.Combine(directory, "runs"));
        var spec = Spec(prior);

        var invalid = Assert.IsType<StudyLoad.Invalid>(StudyContext.Load(spec));

        var error = Assert.Single(invalid.Errors);
        Assert.Equal((spec, line, column, field), (error.File, error.Line, error.Column, error.Field));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prior: []\n", 10, 8, "prior", "the list is empty")]
    [InlineData("prior: ['  ']\n", 10, 9, "prior[0]", "found an empty string")]
    [InlineData("prior: { file: a.tsv }\n", 10, 8, "prior", "expected a journal (.jsonl) or a score table")]
    public void AMalformedPriorIsASpecError(string prior, int line, int column, string field, string message)
    {
        var spec = Spec(prior);
        var invalid = Assert.IsType<StudyLoad.Invalid>(StudyContext.Load(spec));
        var error = Assert.Single(invalid.Errors);
        Assert.Equal((line, column, field), (error.Line, error.Column, error.Field));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
