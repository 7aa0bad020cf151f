using Bomax.Cli.Reports;
using Bomax.Engine.Posterior;

namespace Bomax.Cli.Tests.Reports;

/// <summary>The terminal's line on the held-out check, for each thing the check can have found.</summary>
public class CheckSummaryTests
{
    [Fact]
    public void TheTerminalLineSaysWhatTheCheckFoundAndTheWideningsItPrints()
    {
        Assert.Equal("held-out check: not yet (22 of the 40 evaluations it needs); P(best) and the interval are the model's own",
            CheckSummary.Plain(VarianceScales.None, 22));
        Assert.Equal("held-out check: not made for this decision; P(best) and the interval are the model's own",
            CheckSummary.Plain(VarianceScales.None, 400));
        Assert.Equal("held-out check: the latest 50 evaluations missed by more than stated; P(best) widened ×1.50, the interval ×2.00 "
            + "(standard deviations)", CheckSummary.Plain(new(2.25, 4) { HeldBack = 50 }, 200));
        // The bulk a hair above 1: P(best) is the model's own, and only the interval's widening is named.
        Assert.Equal("held-out check: the latest 13 evaluations missed by more than stated; P(best) as the model states it, the interval "
            + "×1.20 (standard deviations)", CheckSummary.Plain(new(1.004, 1.44) { HeldBack = 13 }, 54));
        // Both a hair above 1: nothing a reader could see was widened.
        Assert.Equal("held-out check: the latest 13 evaluations landed within the stated spread; nothing widened",
            CheckSummary.Plain(new(1.002, 1.008) { HeldBack = 13 }, 54));
        // The benchmarks coupled looser for P(best): its widening is that of the misses so coupled, and the line says so, even where
        // that widening is none a reader could see.
        Assert.Equal("held-out check: the latest 50 evaluations missed by more than stated; P(best) widened ×1.20 (the benchmarks' "
            + "correlations ×0.25), the interval ×2.00 (standard deviations)",
            CheckSummary.Plain(new(2.25, 4) { HeldBack = 50, Coupling = 0.5, CoupledBulk = 1.44 }, 200));
        Assert.Equal("held-out check: the latest 50 evaluations missed by more than stated; P(best) widened ×1.00 (the benchmarks' "
            + "correlations ×0.09), the interval ×1.20 (standard deviations)",
            CheckSummary.Plain(new(1.002, 1.44) { HeldBack = 50, Coupling = 0.3, CoupledBulk = 1.0 }, 200));
        Assert.Contains("P(best) reads its spread widened 1.20 times, with the benchmarks' correlations times 0.25, the 95 % intervals 2.00 "
            + "times.", CheckSummary.Markdown(new(2.25, 4) { HeldBack = 50, Coupling = 0.5, CoupledBulk = 1.44 }, 200));
    }

    [Fact]
    public void PBestReadAsTheStudentTOfTheMissesSaysItsScaleAndItsTails()
    {
        // The t's scale is what P(best) reads, in place of the bulk's, and its degrees of freedom are named.
        var heavy = new VarianceScales(2.25, 4) { HeldBack = 50, Coupling = 0.5, CoupledBulk = 1.44, Student = new(1.69, 3) };
        Assert.Equal("held-out check: the latest 50 evaluations missed by more than stated; P(best) widened ×1.30 (the benchmarks' "
            + "correlations ×0.25) (Student t tails, 3 degrees of freedom), the interval ×2.00 (standard deviations)",
            CheckSummary.Plain(heavy, 200));
        Assert.Contains("P(best) reads its spread widened 1.30 times, with the benchmarks' correlations times 0.25 and tails as heavy as a "
            + "Student t's of 3 degrees of freedom, the 95 % intervals 2.00 times.", CheckSummary.Markdown(heavy, 200));
        // Heavy tails at the stated scale still widen what P(best) reads; a Gaussian t at it is the model's own.
        Assert.Contains("P(best) widened ×1.00 (Student t tails, 2.5 degrees of freedom)",
            CheckSummary.Plain(new(1.002, 1.008) { HeldBack = 50, Student = new(1.0, 2.5) }, 200));
        Assert.Equal("held-out check: the latest 13 evaluations landed within the stated spread; nothing widened",
            CheckSummary.Plain(new(1.002, 1.008) { HeldBack = 13, Student = new(1.003, double.PositiveInfinity) }, 54));
        // Narrowed: the t's scale below 1.
        Assert.StartsWith("held-out check: the latest 50 evaluations landed nearer than stated; P(best) narrowed ×0.70 (Student t tails, "
            + "4 degrees of freedom)", CheckSummary.Plain(new(0.64, 1) { HeldBack = 50, Student = new(0.49, 4) }, 200));
    }

    [Fact]
    public void ACheckThatFoundTheModelTooWideSaysPBestWasNarrowedAndTheIntervalsNot()
    {
        Assert.Equal("held-out check: the latest 50 evaluations landed nearer than stated; P(best) narrowed ×0.80, the interval as the "
            + "model states it", CheckSummary.Plain(new(0.64, 1) { HeldBack = 50 }, 200));
        Assert.Equal("**Checked:** the latest 50 evaluations, each predicted from those before it, landed nearer than the model stated. "
            + "P(best) reads its spread times 0.80; the 95 % intervals are never narrowed.",
            CheckSummary.Markdown(new(0.64, 1) { HeldBack = 50 }, 200));
        // Narrowed where the benchmarks are coupled looser, with the tails wider at the fitted coupling.
        Assert.Equal("held-out check: the latest 50 evaluations landed nearer than stated; P(best) narrowed ×0.90 (the benchmarks' "
            + "correlations ×0.49), the interval ×1.10 (standard deviations)",
            CheckSummary.Plain(new(1.1, 1.21) { HeldBack = 50, Coupling = 0.7, CoupledBulk = 0.81 }, 200));
        // A hair below 1 is none a reader could see: within the stated spread.
        Assert.Equal("held-out check: the latest 50 evaluations landed within the stated spread; nothing widened",
            CheckSummary.Plain(new(0.996, 1) { HeldBack = 50 }, 200));
    }
}
