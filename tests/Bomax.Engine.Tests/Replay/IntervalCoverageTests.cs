using Bomax.Engine.Posterior;
using Bomax.Engine.Replay;

namespace Bomax.Engine.Tests.Replay;

public class IntervalCoverageTests
{
    /// <summary>Four rows with estimate 0.5 and standard deviations 0.01, 0.02, 0.01, 0 (the last fully evaluated).</summary>
    static RowPosterior Reported(params int[] unobserved)
    {
        var covariance = new double[4, 4];
        double[] sd = [0.01, 0.02, 0.01, 0.0];
        for (int i = 0; i < 4; i++) covariance[i, i] = sd[i] * sd[i];
        covariance[0, 1] = covariance[1, 0] = 0.5 * sd[0] * sd[1]; // covariances do not enter an interval
        return new RowPosterior([0.5, 0.5, 0.5, 0.5], covariance, unobserved);
    }

    [Fact]
    public void Counts_the_true_means_inside_estimate_plus_or_minus_1_96_sd_among_rows_not_fully_evaluated()
    {
        var reported = Reported(3, 5, 1, 0);
        // Row 0: 1.9 sd out (inside); row 1: 2.1 sd out (outside); row 2: 3 sd below (outside); row 3 is
        // fully evaluated and left out whatever its mean, here far from the estimate.
        double[] truth = [0.5 + 1.9 * 0.01, 0.5 - 2.1 * 0.02, 0.5 - 0.03, 0.9];
        Assert.Equal(1.0 / 3.0, IntervalCoverage.Of(reported, truth, [0, 1, 2, 3]), 12);
        Assert.Equal(1.0, IntervalCoverage.Of(reported, truth, [0, 3]), 12);
        Assert.Equal(0.0, IntervalCoverage.Of(reported, truth, [1, 2]), 12);
        // Just inside and just outside the 95 % bound.
        Assert.Equal(1.0, IntervalCoverage.Of(reported, [0.5 + 0.99 * Bomax.Engine.Selection.Selection.Z95 * 0.01, 0, 0, 0], [0]), 12);
        Assert.Equal(0.0, IntervalCoverage.Of(reported, [0.5 - 1.01 * Bomax.Engine.Selection.Selection.Z95 * 0.01, 0, 0, 0], [0]), 12);
    }

    [Fact]
    public void Few_evaluated_are_the_checkpoints_evaluated_on_at_most_a_fifth_of_their_benchmarks()
    {
        // Of 5 benchmarks, rows 0–3 are evaluated on 2, 0, 4 and 5: only row 1 is at most a fifth.
        Assert.Equal([1], IntervalCoverage.FewEvaluated(Reported(3, 5, 1, 0), 5));
        // One of 5 is a fifth exactly (rows 0 and 2); of 10 benchmarks, 2 are a fifth (rows 0, 1 and 2 have 2, 0 and 1 of 10).
        Assert.Equal([0, 1, 2], IntervalCoverage.FewEvaluated(Reported(4, 5, 4, 0), 5));
        Assert.Equal([0, 1, 2], IntervalCoverage.FewEvaluated(Reported(8, 10, 9, 7), 10));
        // Their coverage is the coverage of those rows: row 1's truth 2.1 sd out, so none held.
        double[] truth = [0.5 + 1.9 * 0.01, 0.5 - 2.1 * 0.02, 0.5 - 0.03, 0.9];
        var reported = Reported(3, 5, 1, 0);
        Assert.Equal(0.0, IntervalCoverage.Of(reported, truth, IntervalCoverage.FewEvaluated(reported, 5)), 12);
        Assert.True(double.IsNaN(IntervalCoverage.Of(Reported(1, 2, 1, 0), truth, IntervalCoverage.FewEvaluated(Reported(1, 2, 1, 0), 5))));
    }

    [Fact]
    public void Is_not_a_number_when_every_row_asked_about_is_fully_evaluated()
    {
        var reported = Reported(0, 0, 2, 0);
        Assert.True(double.IsNaN(IntervalCoverage.Of(reported, [0.5, 0.4, 0.5, 0.6], [0, 1, 3])));
        Assert.Equal(1.0, IntervalCoverage.Of(reported, [0.5, 0.4, 0.5, 0.6], [0, 1, 2, 3]), 12);
    }

    [Fact]
    public void A_budget_summary_averages_the_seeds_that_had_something_to_judge()
    {
        Assert.Equal(0.6, ReplaySummary.MeanOfFinite([0.5, double.NaN, 0.7]), 12);
        Assert.True(double.IsNaN(ReplaySummary.MeanOfFinite([double.NaN, double.NaN])));
    }
}
