namespace Bomax.Tasks;

/// <summary>
/// The stable codes at the front of every warning and error the Bomax.Ci targets log; each is
/// documented in the README ("MSBuild: dotnet build -t:BomaxSelect"). Never reuse a retired code.
/// </summary>
internal static class ErrorCodes
{
    /// <summary>A problem in the study spec, logged with the spec's file, line and column.</summary>
    public const string SpecError = "BMX1001";
    /// <summary>A bad option (e.g. BomaxBudget or BomaxDevice) or other usage error; nothing was evaluated.</summary>
    public const string Usage = "BMX1002";
    /// <summary>Most recent evaluations failed, or none succeeded: the study stopped without a pick.</summary>
    public const string EvaluationsFailing = "BMX1003";
    /// <summary>The build was cancelled or bomax interrupted; the journal keeps finished evaluations.</summary>
    public const string Interrupted = "BMX1004";
    /// <summary>Bomax could not be started (BomaxToolPath missing, no dotnet host).</summary>
    public const string BomaxNotStarted = "BMX1005";
    /// <summary>Bomax ended in a way the task does not know (an unexpected exit code, or success without a result).</summary>
    public const string BomaxFailed = "BMX1006";
    /// <summary>The result file of the last select is missing or unreadable.</summary>
    public const string ResultUnreadable = "BMX1007";
    /// <summary>A warning from bomax (a journal line it skipped, a small budget, a failed pair, a PR comment it could not post).</summary>
    public const string BomaxWarning = "BMX1101";
}
