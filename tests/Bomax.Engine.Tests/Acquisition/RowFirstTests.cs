using Bomax.Engine;

namespace Bomax.Engine.Tests.Acquisition;

/// <summary>
/// The default acquisition settles the leader against the challenger whose difference to it is most
/// worth knowing: the EI of a_i − a_leader, so uncertainty the two share counts for nothing.
/// </summary>
public class RowFirstTests
{
    // Row 0 leads; rows 1 and 2 trail it by the same gap with the same variance, but row 1 moves with the
    // leader (a neighbour: most of its uncertainty is the leader's too) and row 2 does not.
    static RowMarginals Rows(double neighbourCovariance, double leaderVariance = 0.02) => new(
        Mean: [1.0, 0.9, 0.9],
        Variance: [leaderVariance, 0.04, 0.04],
        UnobservedCount: [3, 3, 3],
        LeaderCovariance: [leaderVariance, neighbourCovariance, 0.0]);

    [Fact]
    public void AChallengerThatMovesWithTheLeaderIsWorthLessThanOneThatDoesNot()
    {
        var pairs = AverageImprovement.PairsToSettle(Rows(neighbourCovariance: 0.019)).ToList();
        Assert.Equal([2], pairs[0].Rows.Take(1));
        Assert.Equal([1], pairs[1].Rows.Take(1));
        // The scores are the log EI of each difference: sd(a_2 − a_0) = √0.06, sd(a_1 − a_0) = √(0.06 − 0.038).
        Assert.Equal(ExpectedImprovement.Log(-0.1, Math.Sqrt(0.06)), pairs[0].Score, 12);
        Assert.Equal(ExpectedImprovement.Log(-0.1, Math.Sqrt(0.022)), pairs[1].Score, 12);
    }

    [Fact]
    public void WithoutSharedUncertaintyEqualChallengersTieAndTheFirstGoesFirst()
    {
        var pairs = AverageImprovement.PairsToSettle(Rows(neighbourCovariance: 0.0)).ToList();
        Assert.Equal(pairs[0].Score, pairs[1].Score);
        Assert.Equal(1, pairs[0].Rows[0]);
    }

    [Fact]
    public void ThePairsLessKnownSideIsCheckedFirstAndAFullyKnownSideNotAtAll()
    {
        // A leader less known than its challengers: its own cells come first.
        var uncertainLeader = AverageImprovement.PairsToSettle(Rows(neighbourCovariance: 0.0, leaderVariance: 0.09)).First();
        Assert.Equal([0, 1], uncertainLeader.Rows);
        var known = Rows(neighbourCovariance: 0.0) with { UnobservedCount = [0, 3, 3] };
        Assert.All(AverageImprovement.PairsToSettle(known), p => Assert.DoesNotContain(0, p.Rows));
        var settled = Rows(neighbourCovariance: 0.0) with { UnobservedCount = [0, 0, 3] };
        Assert.Equal([2], Assert.Single(AverageImprovement.PairsToSettle(settled)).Rows);
    }
}
