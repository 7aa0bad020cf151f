using MathNet.Numerics;

namespace Bomax.Engine.Acquisition;

/// <summary>
/// Expected improvement of a Gaussian with mean gap Δ = μ − best and spread s:
/// EI = Δ Φ(Δ/s) + s φ(Δ/s) = s h(z), h(z) = φ(z) + z Φ(z). Computed in log space so it stays finite
/// and ordered far into the tail (z ≪ 0), where EI itself underflows.
/// </summary>
public static class ExpectedImprovement
{
    const double LogSqrtTwoPi = 0.91893853320467274178;

    /// <summary>EI in linear space (underflows to 0 for z below about −38).</summary>
    public static double Value(double gap, double spread) => Math.Exp(Log(gap, spread));

    /// <summary>log EI; −∞ only when the spread is zero and the gap is not positive.</summary>
    public static double Log(double gap, double spread)
    {
        if (!(spread > 0)) return gap > 0 ? Math.Log(gap) : double.NegativeInfinity;
        return Math.Log(spread) + LogH(gap / spread);
    }

    /// <summary>log h(z) with h(z) = φ(z) + z Φ(z).</summary>
    public static double LogH(double z)
    {
        if (z > -1.0)
        {
            double phi = Math.Exp(-0.5 * z * z - LogSqrtTwoPi);
            double cdf = 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2.0));
            return Math.Log(phi + z * cdf);
        }
        // For u = −z ≥ 1: h = φ(u) (1 − u R(u)) with Mills ratio R(u) = 1 / (u + D),
        // D = 1 / (u + 2 / (u + 3 / (u + …))). Then 1 − u R(u) = D / (u + D), with no cancellation.
        double u = -z;
        double d = MillsTail(u);
        return -0.5 * u * u - LogSqrtTwoPi + Math.Log(d) - Math.Log(u + d);
    }

    /// <summary>D(u) = 1 / (u + 2 / (u + 3 / (u + …))), evaluated backwards; accurate for u ≥ 1.</summary>
    static double MillsTail(double u)
    {
        const int depth = 400;
        double tail = u;
        for (int k = depth; k >= 2; k--) tail = u + k / tail;
        return 1.0 / tail;
    }
}
