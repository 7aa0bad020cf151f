using Bomax.Engine.Acquisition;
using Bomax.Engine.Model;

namespace Bomax.Engine.Replay;

using Bomax.Engine.Grid; // inside the namespace, or Grid would mean the namespace Bomax.Engine.Grid

/// <summary>
/// The evaluation time of one simulated study (<see cref="TimedReplay"/>): what each evaluation takes, what the study has spent, and
/// what it expects the next evaluation of each benchmark to take. Without <see cref="TimedReplaySettings.CostNoise"/> an evaluation
/// takes exactly its benchmark's seconds and the study knows them from the start. With it, an evaluation of cell c takes
/// cost × e^(noise · z), z standard normal drawn from the seed and the cell alone (so every engine of a seed pays the same for the
/// same cell), and the study knows only what it measured, read as a run reads its journal (<see cref="ExpectedSeconds.From"/>).
/// </summary>
internal sealed class StudySeconds(Grid grid, TimedReplaySettings settings, int seed)
{
    readonly List<(int Benchmark, double Seconds)> measured = [];

    /// <summary>The seconds spent so far.</summary>
    public double Spent { get; private set; }

    bool Noisy => settings.CostNoise > 0;

    /// <summary>Spends what an evaluation of <paramref name="cell"/> takes.</summary>
    public void Evaluate(Cell cell)
    {
        double seconds = Taken(cell);
        Spent += seconds;
        measured.Add((cell.Benchmark, seconds));
    }

    /// <summary>What an evaluation of <paramref name="cell"/> takes.</summary>
    public double Taken(Cell cell)
    {
        double cost = settings.Costs.Seconds[cell.Benchmark];
        if (!Noisy) return cost;
        var random = new Random(unchecked(seed * 73_856_093 ^ cell.Checkpoint * 19_349_663 ^ cell.Benchmark * 83_492_791));
        return cost * Math.Exp(settings.CostNoise * StandardNormal.Draw(random));
    }

    /// <summary>Each benchmark's expected seconds per evaluation: its cost, or with noise the medians measured so far (0 for every
    /// benchmark before the first measurement: a study cannot yet expect anything not to fit).</summary>
    public IReadOnlyList<double> Expected() =>
        !Noisy ? settings.Costs.Seconds : ExpectedSeconds.From(grid.BenchmarkCount, measured) ?? new double[grid.BenchmarkCount];

    /// <summary>What the cost-aware engine values cells by: the costs, or with noise what it measured so far, read as a run reads its
    /// journal (<see cref="ExpectedSeconds.Costs"/>; null before the first measurement: it chooses cost-blind, as a run does).</summary>
    public BenchmarkCosts? Known() =>
        !Noisy ? settings.Costs : ExpectedSeconds.Costs(grid.BenchmarkCount, measured) is { } costs ? new BenchmarkCosts(costs) : null;
}
