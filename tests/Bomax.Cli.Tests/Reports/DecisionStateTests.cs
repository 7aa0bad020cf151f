using System.Text.Json;
using Bomax.Cli.Journal;
using Bomax.Cli.Reports;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Study;

namespace Bomax.Cli.Tests.Reports;

/// <summary>
/// The engine's last fit kept beside the journal: a report of the same journal starts from it and decides as the run did,
/// without a cold refit; a changed journal starts from it warm; a state that does not fit the study is ignored.
/// </summary>
public sealed class DecisionStateTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-state-tests-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    static readonly EngineOptions Options = new();

    /// <summary>The Student t the states below keep with their scales (a Gaussian: no degrees of freedom written).</summary>
    static readonly StudentSpread Kept = new(1.2, double.PositiveInfinity);

    static DecisionState State(int benchmarks = 3, string hash = "abc", int fittedAt = 12) =>
        new(hash, DecisionState.OptionsKey(Options), benchmarks, 1, fittedAt, new double[Hyperparameters.LengthFor(benchmarks, 1)]);

    [Fact]
    public void TheSameJournalStartsFromTheFitAsItWasAndAChangedOneLetsTheScheduleDecide()
    {
        var same = (State() with { Scale = 1.5, TailScale = 2.5, HeldBack = 10, StudentScale = 1.2 }).StartFor("abc", Options, 3);
        var changed = (State() with { Scale = 1.5, TailScale = 2.5, HeldBack = 10, StudentScale = 1.2 }).StartFor("def", Options, 3);

        Assert.Equal((12, new VarianceScales(1.5, 2.5) { HeldBack = 10, Student = Kept }), (same!.FittedAt, same.Scales));
        Assert.Equal(12, changed!.FittedAt); // the count the fit saw: the refit schedule decides, as in a run's next round
        Assert.Null(changed.Scales);         // the held-out check belongs to the observations it was made from
        // A state kept by a build that read one scale, or with scales no check gives, is computed again.
        Assert.Null((State() with { Scale = 1.5 }).StartFor("abc", Options, 3)!.Scales);
        // One kept without saying how many observations its check held back: a report could not say whether it was checked.
        Assert.Null((State() with { Scale = 1.5, TailScale = 2.5 }).StartFor("abc", Options, 3)!.Scales);
        // An unchecked decision's scales are kept as such.
        Assert.Equal(VarianceScales.None, (State() with { Scale = 1, TailScale = 1, HeldBack = 0 }).StartFor("abc", Options, 3)!.Scales);
        Assert.Null((State() with { Scale = 2.5, TailScale = 1.5, HeldBack = 10, StudentScale = 1.2 }).StartFor("abc", Options, 3)!.Scales);
        // A bulk below 1 is what a check that found the model too wide keeps; below the smallest it narrows to, or with tails below 1,
        // no check gives it.
        Assert.Equal(new VarianceScales(0.5, 1) { HeldBack = 10, Student = Kept },
            (State() with { Scale = 0.5, TailScale = 1, HeldBack = 10, StudentScale = 1.2 }).StartFor("abc", Options, 3)!.Scales);
        Assert.Null((State() with { Scale = 0.2, TailScale = 1, HeldBack = 10, StudentScale = 1.2 }).StartFor("abc", Options, 3)!.Scales);
        Assert.Null((State() with { Scale = 0.5, TailScale = 0.8, HeldBack = 10, StudentScale = 1.2 }).StartFor("abc", Options, 3)!.Scales);
        Assert.Equal(State().Raw, changed.Fit!.Hyperparameters.Raw);
    }

    [Fact]
    public void TheCouplingForPBestIsKeptWithTheScalesAndAStateWithoutItReadsPBestAsItsBuildPrinted()
    {
        var kept = State() with { Scale = 1.5, TailScale = 2.5, HeldBack = 10, StudentScale = 1.2, Coupling = 0.5, CoupledScale = 1.3 };
        Assert.Equal(new VarianceScales(1.5, 2.5) { HeldBack = 10, Student = Kept, Coupling = 0.5, CoupledBulk = 1.3 },
            kept.StartFor("abc", Options, 3)!.Scales);
        kept.Write(directory);
        Assert.Equal((0.5, 1.3), (DecisionState.Read(directory)!.Coupling, DecisionState.Read(directory)!.CoupledScale));
        // Kept by a build without it (or with values no check gives): the fitted coupling and the bulk, as that build read P(best).
        var fitted = new VarianceScales(1.5, 2.5) { HeldBack = 10, Student = Kept };
        Assert.Equal(fitted, (State() with { Scale = 1.5, TailScale = 2.5, HeldBack = 10, StudentScale = 1.2 }).StartFor("abc", Options, 3)!.Scales);
        Assert.Equal(fitted, (kept with { Coupling = 1.5 }).StartFor("abc", Options, 3)!.Scales);
        Assert.Equal(fitted, (kept with { Coupling = 1 }).StartFor("abc", Options, 3)!.Scales); // the fitted coupling, as written
        Assert.Equal(fitted, (kept with { CoupledScale = 0.2 }).StartFor("abc", Options, 3)!.Scales);
        Assert.Equal((1.0, 1.5), (fitted.Coupling, fitted.CoupledBulk));
        // From a decision's state: both written.
        var fit = new ModelFit(new Hyperparameters(3, 1, new double[Hyperparameters.LengthFor(3, 1)]), Standardisation.From(3, []),
            new FitReport(0, 0, 0, true, "converged"));
        var written = DecisionState.From(new PlannerState(fit, 12) { Scales = kept.StartFor("abc", Options, 3)!.Scales }, "abc", Options);
        Assert.Equal((0.5, 1.3), (written.Coupling, written.CoupledScale));
    }

    [Fact]
    public void TheStudentTPBestReadsIsKeptAndAStateWithoutItIsCheckedAgain()
    {
        var kept = State() with { Scale = 1.5, TailScale = 2.5, HeldBack = 10, StudentScale = 0.8, StudentFreedom = 3 };
        Assert.Equal(new StudentSpread(0.8, 3), kept.StartFor("abc", Options, 3)!.Scales!.Student);
        Assert.Equal(0.8, kept.StartFor("abc", Options, 3)!.Scales!.ProbabilityScale);
        kept.Write(directory);
        Assert.Equal((0.8, 3.0), (DecisionState.Read(directory)!.StudentScale, DecisionState.Read(directory)!.StudentFreedom));
        // Written from a decision's state: a t's degrees of freedom, and none for a Gaussian.
        var fit = new ModelFit(new Hyperparameters(3, 1, new double[Hyperparameters.LengthFor(3, 1)]), Standardisation.From(3, []),
            new FitReport(0, 0, 0, true, "converged"));
        var scales = new VarianceScales(1.5, 2.5) { HeldBack = 10, Student = new(0.8, 3) };
        var written = DecisionState.From(new PlannerState(fit, 12) { Scales = scales }, "abc", Options);
        Assert.Equal((0.8, 3.0), (written.StudentScale, written.StudentFreedom));
        var gaussian = DecisionState.From(new PlannerState(fit, 12) { Scales = scales with { Student = new(0.8, double.PositiveInfinity) } }, "abc",
            Options);
        Assert.Equal((0.8, (double?)null), (gaussian.StudentScale, gaussian.StudentFreedom));
        Assert.True(gaussian.StartFor("abc", Options, 3)!.Scales!.Student!.IsGaussian);
        // Kept by a build that read P(best) as a Gaussian at the bulk's scale, or with a t no check gives: the scales are computed again.
        Assert.Null((kept with { StudentScale = null, StudentFreedom = null }).StartFor("abc", Options, 3)!.Scales);
        Assert.Null((kept with { StudentScale = 0.1 }).StartFor("abc", Options, 3)!.Scales);
        Assert.Null((kept with { StudentFreedom = -1 }).StartFor("abc", Options, 3)!.Scales);
        // An unchecked decision keeps none.
        Assert.Null((State() with { Scale = 1, TailScale = 1, HeldBack = 0 }).StartFor("abc", Options, 3)!.Scales!.Student);
    }

    [Fact]
    public void AStateOfOtherOptionsOrAnotherShapeIsIgnored()
    {
        Assert.Null(State().StartFor("abc", Options with { Kernel = StepKernel.Rbf }, 3));
        Assert.Null(State().StartFor("abc", Options, 4));
        Assert.Null((State() with { Raw = [1, 2] }).StartFor("abc", Options, 3));
        Assert.NotNull(State().StartFor("abc", Options with { Device = ComputeDevice.Cpu, Threads = 2 }, 3)); // where and how fast: no matter
    }

    [Fact]
    public void TheHyperparameterDrawsAreKeptSoAReportPoolsOverTheDrawsTheRunRead()
    {
        int length = Hyperparameters.LengthFor(3, 1);
        var around = new Hyperparameters(3, 1, Enumerable.Range(0, length).Select(k => 0.1 * k).ToArray());
        var drawn = new KeptDraws(around, [around with { Raw = around.Raw.Select(x => x + 0.2).ToArray() },
            around with { Raw = around.Raw.Select(x => x - 0.3).ToArray() }], 30);
        var fit = new ModelFit(new Hyperparameters(3, 1, new double[length]), Standardisation.From(3, []), new FitReport(0, 0, 0, true, "converged"));
        DecisionState.From(new PlannerState(fit, 36) { Draws = drawn }, "abc", Options).Write(directory);

        var kept = DecisionState.Read(directory)!.StartFor("abc", Options, 3)!.Draws!;
        Assert.Equal(around.Raw, kept.Around.Raw);
        Assert.Equal(30, kept.Observations);
        Assert.Equal(drawn.Draws.Select(d => d.Raw), kept.Draws.Select(d => d.Raw));
        // A changed journal draws afresh, as it computes its scales afresh; so does a state whose draws are not of the fit's shape.
        Assert.Null(DecisionState.Read(directory)!.StartFor("changed", Options, 3)!.Draws);
        Assert.Null((DecisionState.Read(directory)! with { Draws = [new double[length - 1]] }).StartFor("abc", Options, 3)!.Draws);
        Assert.Null((DecisionState.Read(directory)! with { DrawnAt = 0 }).StartFor("abc", Options, 3)!.Draws);
    }

    [Fact]
    public void ItRoundTripsExactlyAndAnUnreadableFileIsNoState()
    {
        var state = State() with
        {
            Raw = [0.1, -1e-17, 3.141592653589793, 2.0 / 3, 1e300, 0, 0, 0, 0, 0, 0, 0],
            Scale = 1.7,
            TailScale = 2.9,
            HeldBack = 13,
            StudentScale = 1.5,
            StudentFreedom = 4,
            Outcome = "converged",
        };
        state.Write(directory);
        var read = DecisionState.Read(directory);
        Assert.Equal(state.Raw, read!.Raw);
        Assert.Equal((state.JournalSha256, state.FittedAt, state.Scale, state.TailScale, state.HeldBack, state.Outcome),
            (read.JournalSha256, read.FittedAt, read.Scale, read.TailScale, read.HeldBack, read.Outcome));
        // the same journal: kept with the fit
        Assert.Equal(new VarianceScales(1.7, 2.9) { HeldBack = 13, Student = new(1.5, 4) }, read.StartFor("abc", Options, 3)!.Scales);
        Assert.Null(read.StartFor("def", Options, 3)!.Scales);                                // a changed one: computed again
        Assert.Null(read.StartFor("abc", Options, 3)!.Fit!.Report.Prior); // no earlier runs, no check

        (state with { PriorNats = -2.5, PriorBenchmarks = 3 }).Write(directory);
        // The fit's prior check comes back with it, so a report from the kept fit says whether it set the earlier runs aside.
        Assert.Equal(new PriorCheck(-2.5, 3), DecisionState.Read(directory)!.StartFor("abc", Options, 3)!.Fit!.Report.Prior);

        File.WriteAllText(Path.Combine(directory, DecisionState.FileName), "{not json");
        Assert.Null(DecisionState.Read(directory));
    }

    [Fact]
    public void AReportAfterARunDecidesAsTheRunPrintedFromItsKeptFit()
    {
        string script = Path.Combine(directory, "eval.sh");
        File.WriteAllText(script, "#!/bin/bash\nawk -v s=\"$BOMAX_STEP\" -v b=\"$1\" 'BEGIN { d = (s - 500) / 300; printf \"%.4f\\n\", "
            + "0.8 - 0.3 * d * d + length(b) / 1000 }'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string spec = Path.Combine(directory, "study.yml");
        File.WriteAllText(spec, """
            study: kept
            checkpoints: { list: [ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500, ckpt-600, ckpt-700, ckpt-800] }
            benchmarks: [a, bb, ccc]
            eval: { command: './eval.sh {benchmark}', parallel: 2 }
            budget: { max-evals: 12 }
            journal: journal.jsonl
            """);

        var run = BomaxProcess.Run(directory, TimeSpan.FromSeconds(120), ["run", spec]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "kept", DecisionState.FileName))).RootElement;
        Assert.Equal(JournalFile.Read(Path.Combine(directory, "journal.jsonl")).Sha256, state.GetProperty("journal_sha256").GetString());
        Assert.Equal(12, state.GetProperty("fitted_at").GetInt32());
        Assert.True(state.GetProperty("scale").GetDouble() >= 1);

        var report = BomaxProcess.Run(directory, TimeSpan.FromSeconds(120), ["report", spec]);

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Equal(run.DecisionLines, report.DecisionLines);
        // The report body is the run's, to the letter (a sticky comment is then left alone), the fit's line included.
        string body = File.ReadAllText(Path.Combine(directory, "kept", "report.md"));
        Assert.Matches(@"\| fit \| [^|]+, fitted at 12 observations \|", body);
    }
}
