namespace Bomax.Engine.Replay;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// Learning curves drawn with the features of real fine-tuning runs, for replays at any grid size (no
/// real table of 1000 × 200 exists) and as a demo. Scores are accuracies in [0, 1]:
/// <list type="bullet">
/// <item>one run-level quality curve: a fast early rise (its speed drawn per run) that flattens, then a
/// decline past a point between 45 % and 85 % of training (over-fitting), so the best checkpoint is
/// not simply the last;</item>
/// <item>benchmarks in correlated clusters: each benchmark mixes the run's curve with its cluster's own
/// curve (different speed and peak), at its own level and gain; about one in seven loses ground with
/// training (forgetting); each also has a small smooth wiggle of its own;</item>
/// <item>checkpoint-level deviations shared across benchmarks (heavy-tailed, so an occasional checkpoint
/// stands out), loaded on each benchmark with its own strength;</item>
/// <item>evaluation noise of 0.5–2 points per benchmark.</item>
/// </list>
/// Deterministic for (checkpoints, benchmarks, seed). With <c>reportStandardErrors</c> every score comes with its benchmark's noise
/// as a standard error, as lm-eval reports one (the same scores either way).
/// </summary>
public static class SyntheticTable
{
    /// <summary>Steps between checkpoints, as in a run that saves every 50 steps.</summary>
    const int StepStride = 50;

    public static ScoreTable Generate(int checkpoints, int benchmarks, int seed, bool reportStandardErrors = false)
    {
        if (checkpoints < 3) throw new ArgumentOutOfRangeException(nameof(checkpoints), "at least 3 checkpoints");
        if (benchmarks < 2) throw new ArgumentOutOfRangeException(nameof(benchmarks), "at least 2 benchmarks");
        var random = new Random(seed);
        int n = checkpoints, m = benchmarks;
        var time = Enumerable.Range(0, n).Select(i => (i + 1.0) / n).ToArray();

        var run = Curve.Draw(random, peakLow: 0.45, peakHigh: 0.85);
        int clusterCount = Math.Clamp(m / 12, 1, 12);
        var clusters = Enumerable.Range(0, clusterCount).Select(_ => Curve.Draw(random, peakLow: 0.35, peakHigh: 1.0)).ToArray();
        var deviation = Enumerable.Range(0, n).Select(_ => 0.0025 * StudentT(random, 4)).ToArray();

        var scores = new double[n, m];
        var noises = new double[m];
        for (int j = 0; j < m; j++)
        {
            var cluster = clusters[random.Next(clusterCount)];
            double level = Uniform(random, 0.25, 0.75);
            double gain = Uniform(random, 0.03, 0.25) * (random.NextDouble() < 0.15 ? -0.4 : 1.0);
            double mix = Uniform(random, 0.3, 1.0);
            double loading = Math.Max(0, 1 + 0.5 * Normal(random));
            double noise = noises[j] = Uniform(random, 0.005, 0.02);
            var wiggle = Wiggle.Draw(random, amplitude: 0.08 * Math.Abs(gain));
            for (int i = 0; i < n; i++)
            {
                double t = time[i];
                double trend = level + gain * (mix * run.At(t) + (1 - mix) * cluster.At(t)) + wiggle.At(t);
                scores[i, j] = Math.Clamp(trend + loading * deviation[i] + noise * Normal(random), 0, 1);
            }
        }
        var grid = new Grid(
            Enumerable.Range(0, n).Select(i => new Checkpoint($"checkpoint-{StepStride * (i + 1)}", StepStride * (i + 1))),
            Enumerable.Range(0, m).Select(j => new Benchmark($"bench_{j:000}", 1.0)));
        return new ScoreTable($"synthetic {n}x{m} seed {seed}", grid, scores) { StandardErrors = reportStandardErrors ? Errors() : null };

        double[,] Errors()
        {
            var errors = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) errors[i, j] = noises[j];
            return errors;
        }
    }

    /// <summary>
    /// A rise 1 − e^(−t/τ) normalised to 1 at the end of training, minus a quadratic decline after
    /// <see cref="Peak"/> that takes back <see cref="Decline"/> of it by the end.
    /// </summary>
    sealed record Curve(double Speed, double Peak, double Decline)
    {
        public static Curve Draw(Random random, double peakLow, double peakHigh) =>
            new(Uniform(random, 0.04, 0.3), Uniform(random, peakLow, peakHigh), Uniform(random, 0.03, 0.15));

        public double At(double t)
        {
            double rise = (1 - Math.Exp(-t / Speed)) / (1 - Math.Exp(-1 / Speed));
            double past = Peak >= 1 ? 0 : Math.Max(0, t - Peak) / (1 - Peak);
            return rise - Decline * past * past;
        }
    }

    /// <summary>A benchmark's own smooth deviation: two Gaussian bumps of random place, width and sign.</summary>
    sealed record Wiggle(double[] Centres, double[] Widths, double[] Heights)
    {
        public static Wiggle Draw(Random random, double amplitude) => new(
            [random.NextDouble(), random.NextDouble()],
            [Uniform(random, 0.05, 0.3), Uniform(random, 0.05, 0.3)],
            [amplitude * Normal(random), amplitude * Normal(random)]);

        public double At(double t)
        {
            double sum = 0;
            for (int k = 0; k < Centres.Length; k++)
            {
                double z = (t - Centres[k]) / Widths[k];
                sum += Heights[k] * Math.Exp(-0.5 * z * z);
            }
            return sum;
        }
    }

    static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    /// <summary>A standard normal draw (Box–Muller).</summary>
    static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>A Student-t draw with <paramref name="freedom"/> degrees of freedom, scaled to unit variance.</summary>
    static double StudentT(Random random, int freedom)
    {
        double chiSquare = 0;
        for (int k = 0; k < freedom; k++) { double z = Normal(random); chiSquare += z * z; }
        return Normal(random) / Math.Sqrt(chiSquare / freedom) * Math.Sqrt((freedom - 2.0) / freedom);
    }
}
