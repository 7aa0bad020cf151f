using Bomax.Engine.Acquisition;
using MathNet.Numerics.Distributions;

namespace Bomax.Engine.Tests.Acquisition;

public class ExpectedImprovementTests
{
    const double LogSqrtTwoPi = 0.91893853320467274178; // log √(2π)

    static double Phi(double t) => Math.Exp(-0.5 * t * t) / Math.Sqrt(2 * Math.PI);

    /// <summary>E[max(X, 0)] for X ~ N(gap, spread²) by composite Simpson on t = (x − gap)/spread over
    /// [max(−gap/spread, −12), 12]: ∫ (gap + spread·t) φ(t) dt.</summary>
    static double IntegratedImprovement(double gap, double spread, int intervals = 200_000)
    {
        double lower = Math.Max(-gap / spread, -12.0), upper = 12.0;
        double h = (upper - lower) / intervals;
        double F(double t) => (gap + spread * t) * Phi(t);
        double sum = F(lower) + F(upper);
        for (int k = 1; k < intervals; k++) sum += (k % 2 == 1 ? 4 : 2) * F(lower + k * h);
        return sum * h / 3;
    }

    /// <summary>h(z) = φ(z) + z Φ(z) straight from MathNet's normal distribution (cancels for z ≪ 0).</summary>
    static double DirectH(double z) => Normal.PDF(0, 1, z) + z * Normal.CDF(0, 1, z);

    [Fact]
    public void EiOfMeanMinusHalfWithUnitVarianceMatchesTheBoTorchReference()
    {
        Assert.Equal(0.19780, ExpectedImprovement.Value(-0.5, 1.0), 1e-5);
        Assert.Equal(Math.Log(0.19780), ExpectedImprovement.Log(-0.5, 1.0), 1e-4);
    }

    public static TheoryData<double, double> GapsAndSpreads => new()
    {
        { -0.5, 1.0 },     // z = −0.5
        { 0.0, 1.0 },      // z = 0
        { 0.0, 0.3 },
        { 0.7, 0.2 },      // z = 3.5
        { 2.5, 1.0 },
        { 1e-3, 1e-4 },    // z = 10: EI ≈ gap
        { -1.0, 1.0 },     // the branch point
        { -0.99, 1.0 },
        { -1.01, 1.0 },
        { -3.0, 1.5 },     // z = −2
        { -0.004, 0.001 }, // z = −4
        { -5.0, 1.0 },
        { -2.1, 0.3 },     // z = −7
        { -8.0, 1.0 },
        { -2.4, 0.3 },     // z = −8
    };

    [Theory]
    [MemberData(nameof(GapsAndSpreads))]
    public void EiMatchesNumericalIntegrationOfThePositivePart(double gap, double spread)
    {
        double expected = IntegratedImprovement(gap, spread);
        double actual = ExpectedImprovement.Value(gap, spread);
        Assert.True(expected > 0);
        Assert.True(Math.Abs(actual / expected - 1) < 1e-6, $"EI({gap}, {spread}) = {actual:R}, integral {expected:R}");
        Assert.Equal(Math.Log(expected), ExpectedImprovement.Log(gap, spread), 1e-6);
    }

    [Fact]
    public void LogEiStaysFiniteAndStrictlyIncreasingFromMinus40To5()
    {
        double previous = double.NegativeInfinity;
        for (int k = 0; k <= 4500; k++)
        {
            double z = -40.0 + 0.01 * k;
            double value = ExpectedImprovement.Log(z, 1.0);
            Assert.True(double.IsFinite(value), $"log EI({z}) = {value}");
            Assert.True(value > previous, $"log EI({z}) = {value:R} is not above log EI({z - 0.01}) = {previous:R}");
            previous = value;
        }
    }

    [Fact]
    public void LogEiScalesWithTheSpread()
    {
        foreach (var z in new[] { -30.0, -6.0, -1.0, -0.2, 0.0, 1.7 })
            foreach (var spread in new[] { 1e-3, 0.25, 4.0 })
                Assert.Equal(Math.Log(spread) + ExpectedImprovement.LogH(z), ExpectedImprovement.Log(z * spread, spread), 1e-12);
    }

    [Fact]
    public void LogHBranchesAgreeAtTheSwitchPoint()
    {
        double tail = ExpectedImprovement.LogH(-1.0);               // z ≤ −1: continued fraction
        double direct = ExpectedImprovement.LogH(Math.BitIncrement(-1.0)); // z > −1: φ + zΦ
        Assert.True(Math.Abs(tail - direct) < 1e-10, $"tail {tail:R}, direct {direct:R}");
        Assert.True(Math.Abs(ExpectedImprovement.LogH(-1.0 - 1e-9) - ExpectedImprovement.LogH(-1.0 + 1e-9)) < 1e-8);
        // h(−1) = φ(1) − Φ(−1).
        Assert.Equal(Math.Log(DirectH(-1.0)), tail, 1e-12);
    }

    [Fact]
    public void LogHMatchesTheDirectFormulaWhereItIsAccurate()
    {
        for (int k = 0; k <= 900; k++)
        {
            double z = -8.0 + 0.01 * k; // [−8, 1]
            double expected = Math.Log(DirectH(z));
            double actual = ExpectedImprovement.LogH(z);
            Assert.True(Math.Abs(actual - expected) < 1e-8, $"log h({z}) = {actual:R}, direct {expected:R}");
        }
    }

    [Theory]
    [InlineData(-40.0)]
    [InlineData(-200.0)]
    public void LogHFollowsTheAsymptoticSeriesFarInTheTail(double z)
    {
        // h(z) = φ(z) (1/z² − 3/z⁴ + 15/z⁶ − …) for z → −∞.
        double expected = -0.5 * z * z - LogSqrtTwoPi - 2 * Math.Log(Math.Abs(z)) + Math.Log(1 - 3 / (z * z));
        Assert.Equal(expected, ExpectedImprovement.LogH(z), 1e-4);
        Assert.Equal(expected, ExpectedImprovement.Log(z, 1.0), 1e-4);
        Assert.Equal(0.0, ExpectedImprovement.Value(z, 1.0)); // underflows in linear space
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1e-8)]
    [InlineData(12.0)]
    public void ZeroSpreadWithPositiveGapGivesLogOfTheGap(double gap)
    {
        Assert.Equal(Math.Log(gap), ExpectedImprovement.Log(gap, 0.0));
        Assert.Equal(gap, ExpectedImprovement.Value(gap, 0.0), gap * 1e-14);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-12)]
    [InlineData(-3.0)]
    public void ZeroSpreadWithNonPositiveGapGivesMinusInfinity(double gap)
    {
        Assert.Equal(double.NegativeInfinity, ExpectedImprovement.Log(gap, 0.0));
        Assert.Equal(0.0, ExpectedImprovement.Value(gap, 0.0));
    }
}
