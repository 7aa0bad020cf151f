using System.Text.Json;
using System.Text.Json.Serialization;
using Bomax.Engine.Model;
using Bomax.Engine.Posterior;
using Bomax.Engine.Study;

namespace Bomax.Cli.Reports;

/// <summary>
/// The engine's last fit, kept beside the journal (<c>.bomax/&lt;study&gt;/decision-state.json</c>) by every decision, keyed
/// by the SHA-256 of the journal it was made from and by the engine options that shape a fit. A later <c>report</c> of the
/// same journal starts from it, so it gives the decision the run printed without a refit; <c>report</c> and <c>suggest</c> of
/// a changed journal start from its fit and refit only when the schedule says so; anything that does not match is ignored.
/// </summary>
internal sealed record DecisionState(
    [property: JsonPropertyName("journal_sha256")] string JournalSha256,
    [property: JsonPropertyName("options")] string Options,
    [property: JsonPropertyName("benchmarks")] int Benchmarks,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("fitted_at")] int FittedAt,
    [property: JsonPropertyName("raw")] double[] Raw)
{
    /// <summary>How that fit ended (<see cref="FitReport.Outcome"/>), so a decision from the state reports it as the run did.</summary>
    [JsonPropertyName("outcome")] public string Outcome { get; init; } = "";

    /// <summary>The held-out check's variance scales for that fit, of the bulk and of the tails (<see cref="VarianceScales"/>; null: not
    /// kept, or kept by a build that read one scale: the decision computes them).</summary>
    [JsonPropertyName("scale")] public double? Scale { get; init; }

    [JsonPropertyName("tail_scale")] public double? TailScale { get; init; }

    /// <summary>How many observations that check held back (<see cref="VarianceScales.HeldBack"/>; 0: it was not made; null: kept by a
    /// build that did not say, so the scales are computed again).</summary>
    [JsonPropertyName("held_back")] public int? HeldBack { get; init; }

    /// <summary>The check's coupling of the benchmarks for P(best) and its bulk scale there (<see cref="VarianceScales.Coupling"/>,
    /// <see cref="VarianceScales.CoupledBulk"/>); null: kept by a build that read P(best) at the fitted coupling, as it then printed.</summary>
    [JsonPropertyName("coupling")] public double? Coupling { get; init; }

    [JsonPropertyName("coupled_scale")] public double? CoupledScale { get; init; }

    /// <summary>The Student t P(best) read (<see cref="VarianceScales.Student"/>): its variance scale and degrees of freedom (null with a
    /// scale: a Gaussian); a scale of null where the check was made: kept by a build that read P(best) as a Gaussian, so the scales
    /// are computed again.</summary>
    [JsonPropertyName("student_scale")] public double? StudentScale { get; init; }

    [JsonPropertyName("student_freedom")] public double? StudentFreedom { get; init; }

    /// <summary>The Laplace draws of the hyperparameters that decision's P(best) and intervals were pooled over (<see cref="KeptDraws"/>):
    /// each draw's raw vector, the raw vector of the fit they were drawn around, and how many observations that fit saw; null: not
    /// drawn, or kept by a build that drew afresh (the decision draws them). A run that stopped between refits read draws kept from an
    /// earlier round, which a fresh draw would not give back.</summary>
    [JsonPropertyName("draws")] public double[][]? Draws { get; init; }

    [JsonPropertyName("draws_around")] public double[]? DrawsAround { get; init; }

    [JsonPropertyName("drawn_at")] public int? DrawnAt { get; init; }

    /// <summary>That fit's prior check (<see cref="PriorCheck"/>): its nats and benchmarks checked; null without earlier runs.</summary>
    [JsonPropertyName("prior_nats")] public double? PriorNats { get; init; }

    [JsonPropertyName("prior_benchmarks")] public int? PriorBenchmarks { get; init; }

    public const string FileName = "decision-state.json";

    /// <summary>What of the options changes a fit: everything but where it runs and with how many threads.</summary>
    public static string OptionsKey(EngineOptions options) => (options with { Device = ComputeDevice.Auto, Threads = 1 }).ToString();

    public static DecisionState From(PlannerState state, string journalHash, EngineOptions options) =>
        new(journalHash, OptionsKey(options), state.Fit!.Hyperparameters.Benchmarks, state.Fit.Hyperparameters.Rank, state.FittedAt,
            state.Fit.Hyperparameters.Raw)
        {
            Outcome = state.Fit.Report.Outcome,
            Scale = state.Scales?.Bulk,
            TailScale = state.Scales?.Tails,
            HeldBack = state.Scales?.HeldBack,
            Coupling = state.Scales?.Coupling,
            CoupledScale = state.Scales?.CoupledBulk,
            StudentScale = state.Scales?.Student?.Scale,
            StudentFreedom = state.Scales?.Student is { IsGaussian: false } student ? student.Freedom : null,
            Draws = state.Draws?.Draws.Select(d => d.Raw).ToArray(),
            DrawsAround = state.Draws?.Around.Raw,
            DrawnAt = state.Draws?.Observations,
            PriorNats = state.Fit.Report.Prior?.Nats,
            PriorBenchmarks = state.Fit.Report.Prior?.Benchmarks,
        };

    /// <summary>
    /// The planner state to start a decision of <paramref name="journalHash"/> from: this state as it was when it matches the
    /// journal (the same decision again); when the journal has changed since, the same fit and the count it was fitted at, so
    /// the refit schedule decides whether to refit (as a run's next round would), but not the held-out check's scale, which
    /// belongs to the observations it was computed from. None when the options or the grid's shape differ. The
    /// standardisation is recomputed by the decision.
    /// </summary>
    public PlannerState? StartFor(string journalHash, EngineOptions options, int benchmarks)
    {
        if (Options != OptionsKey(options) || Benchmarks != benchmarks || Rank != options.ResolvedTaskRank(benchmarks)
            || Raw.Length != Hyperparameters.LengthFor(Benchmarks, Rank) || Raw.Any(x => !double.IsFinite(x)) || FittedAt < 0)
            return null;
        var fit = new ModelFit(new Hyperparameters(Benchmarks, Rank, Raw), Standardisation.From(benchmarks, []),
            new FitReport(double.NaN, double.NaN, 0, true, Outcome.Length > 0 ? Outcome : "kept from the last decision")
            {
                Prior = PriorNats is { } nats && PriorBenchmarks is { } checkedBenchmarks ? new PriorCheck(nats, checkedBenchmarks) : null,
            });
        return journalHash == JournalSha256
            ? new PlannerState(fit, FittedAt) { Scales = KeptScales(), Draws = DrawsKept() }
            : new PlannerState(fit, FittedAt);
    }

    /// <summary>The scales as kept, when both are (a bulk of at least <see cref="PrequentialCheck.SmallestBulk"/>, tails at least 1 and
    /// the bulk) with how many observations the check held back, and the Student t P(best) read where the check was made; with the
    /// coupling for P(best) when a looser one is kept (in (0, 1), its scale at least <see cref="PrequentialCheck.SmallestBulk"/>), else
    /// the fitted coupling, as a build that did not keep it printed.</summary>
    VarianceScales? KeptScales()
    {
        if (!(Scale is { } bulk && TailScale is { } tails && HeldBack is { } heldBack
            && double.IsFinite(bulk) && double.IsFinite(tails) && bulk >= PrequentialCheck.SmallestBulk && tails >= Math.Max(1, bulk)
            && heldBack >= 0))
            return null;
        if (heldBack > 0 && !(StudentScale is { } studentScale && double.IsFinite(studentScale) && studentScale >= PrequentialCheck.SmallestBulk
            && (StudentFreedom is null || StudentFreedom is > 0 && double.IsFinite(StudentFreedom.Value))))
            return null;
        var scales = new VarianceScales(bulk, tails)
        {
            HeldBack = heldBack,
            Student = heldBack > 0 ? new StudentSpread(StudentScale!.Value, StudentFreedom ?? double.PositiveInfinity) : null,
        };
        return Coupling is { } coupling && coupling is > 0 and < 1 && CoupledScale is { } coupled && coupled >= PrequentialCheck.SmallestBulk
            ? scales with { Coupling = coupling, CoupledBulk = coupled }
            : scales;
    }

    /// <summary>The draws as kept, when every vector has the fit's length and is finite and they were drawn at some observations.</summary>
    KeptDraws? DrawsKept()
    {
        int length = Hyperparameters.LengthFor(Benchmarks, Rank);
        bool Valid(double[]? raw) => raw is not null && raw.Length == length && raw.All(double.IsFinite);
        if (Draws is null || DrawsAround is null || DrawnAt is not { } drawnAt || drawnAt <= 0 || !Valid(DrawsAround) || !Draws.All(Valid))
            return null;
        return new KeptDraws(new Hyperparameters(Benchmarks, Rank, DrawsAround), Draws.Select(d => new Hyperparameters(Benchmarks, Rank, d)).ToList(),
            drawnAt);
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The state in <paramref name="folder"/>, or null when there is none or it cannot be read (it is only a shortcut).</summary>
    public static DecisionState? Read(string folder)
    {
        try
        {
            string path = Path.Combine(folder, FileName);
            return File.Exists(path) ? JsonSerializer.Deserialize<DecisionState>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Writes the state into <paramref name="folder"/> (a new file renamed into place); a failure only loses the shortcut.</summary>
    public void Write(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, FileName), temporary = path + ".tmp-" + Environment.ProcessId;
            File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
