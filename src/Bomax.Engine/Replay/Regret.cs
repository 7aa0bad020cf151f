namespace Bomax.Engine.Replay;

/// <summary>Relative regret of a pick: (max_i r_i − r_pick) / max_i r_i, with r the plain row means of the table.</summary>
public static class Regret
{
    public static double Of(double[] rowMeans, int pick)
    {
        double best = rowMeans.Max();
        return (best - rowMeans[pick]) / best;
    }
}
