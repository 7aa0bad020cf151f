using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Study;

public class ScoreChecksTests
{
    [Theory]
    [InlineData(1e308, "the score 1e308 is outside ±1e6 (eval.score-limit)")]
    [InlineData(-2e6, "the score -2e6 is outside ±1e6")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    [InlineData(double.NaN, "NaN")]
    public void ScoresThatAreNotFiniteOrBeyondTheLimitAreRefused(double score, string messagePart)
    {
        string? refusal = ScoreChecks.Refusal(score, EvalSpec.DefaultScoreLimit);

        Assert.NotNull(refusal);
        Assert.Contains(messagePart, refusal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-3.2)]
    [InlineData(1e6)]
    public void OrdinaryScoresAreAccepted(double score) => Assert.Null(ScoreChecks.Refusal(score, EvalSpec.DefaultScoreLimit));

    [Fact]
    public void AWiderLimitAcceptsLargerScores()
    {
        Assert.NotNull(ScoreChecks.Refusal(5e7, 1e6));
        Assert.Null(ScoreChecks.Refusal(5e7, 1e9));
    }

    [Fact]
    public void APercentageAmongFractionsIsCalledOutWithTheLikelyCause()
    {
        string? warning = ScoreChecks.OutOfPlace(55.3, [0.52, 0.61, 0.7, 0.66], "ckpt-300 × mmlu");

        Assert.NotNull(warning);
        Assert.StartsWith("ckpt-300 × mmlu: score 55.3 is far outside the benchmark's other 4 scores (0.52 – 0.7)", warning);
        Assert.Contains("percentage among fractions", warning);
    }

    [Fact]
    public void ScoresWithinTheirBenchmarksSpreadOrWithTooFewOthersPass()
    {
        Assert.Null(ScoreChecks.OutOfPlace(0.75, [0.52, 0.61, 0.7], "p"));
        Assert.Null(ScoreChecks.OutOfPlace(0.2, [0.52, 0.61, 0.7], "p"));     // an early checkpoint: low, same scale
        Assert.Null(ScoreChecks.OutOfPlace(0.2767, [0.78, 0.79, 0.8], "p"));  // even among close neighbours
        Assert.NotNull(ScoreChecks.OutOfPlace(3e4, [0.78, 0.79, 0.8], "p"));  // not a score of this benchmark
        Assert.Null(ScoreChecks.OutOfPlace(55.3, [0.52, 0.61], "p"));     // two others say too little
        Assert.Null(ScoreChecks.OutOfPlace(12.4, [10.1, 11.0, 13.9], "p"));
        Assert.NotNull(ScoreChecks.OutOfPlace(0.5, [40.0, 55.0, 61.0], "p"));
    }
}
