// The contract between the bomax process and the tools that drive it (the MSBuild task): its exit codes, the lines of
// `bomax run --messages json`, and the result object (also the file `--result PATH` writes). Written once, compiled into
// both sides as a linked source file, so the task stays free of the engine and neither side spells a name of its own.
// Dependency-free on purpose: nothing but constants and one mapping. Add names; never rename or reuse one.

namespace Bomax.Protocol;

/// <summary>The bomax process's exit codes, as documented in the README.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Bad input: a bad table, spec or option. Nothing was evaluated.</summary>
    public const int UsageError = 2;
    /// <summary>Most recent evaluations failed; the study stopped early.</summary>
    public const int EvaluationsFailing = 3;
    /// <summary>Interrupted (SIGINT, SIGTERM, a cancelled build): running evaluations were killed, the journal kept.</summary>
    public const int Interrupted = 130;
}

/// <summary>The <c>type</c> of each line of <c>--messages json</c>.</summary>
internal static class MessageTypes
{
    public const string Progress = "progress";
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Error = "error";
    public const string SpecError = "spec-error";
    public const string Result = "result";
}

/// <summary>The fields of the messages other than the result.</summary>
internal static class MessageFields
{
    public const string Type = "type";
    /// <summary>The text of <c>progress</c>, <c>info</c>, <c>warning</c>, <c>error</c> and <c>spec-error</c>.</summary>
    public const string Message = "message";
    /// <summary>Why an <c>error</c> stopped the run: one of <see cref="ErrorReasons"/>.</summary>
    public const string Reason = "reason";
    /// <summary>An <c>error</c>'s command-line option (<c>--budget</c>), present only for a usage error about one; the message then
    /// begins with the option's name, so a tool that set the option from a setting of its own can say the setting instead.</summary>
    public const string Option = "option";
    /// <summary>A <c>spec-error</c>'s absolute file, 1-based line and column (absent, or 0 from older engines: the file as a whole),
    /// and the spec field.</summary>
    public const string File = "file";
    public const string Line = "line";
    public const string Column = "column";
    public const string Field = "field";
}

/// <summary>The <c>reason</c> of an <c>error</c> message: one per failing exit code.</summary>
internal static class ErrorReasons
{
    public const string Usage = "usage";
    public const string EvaluationsFailing = "evaluations-failing";
    public const string Interrupted = "interrupted";

    /// <summary>The exit code a reason ends the process with (null: a reason this side does not know).</summary>
    public static int? ExitCodeOf(string reason) => reason switch
    {
        Usage => ExitCodes.UsageError,
        EvaluationsFailing => ExitCodes.EvaluationsFailing,
        Interrupted => ExitCodes.Interrupted,
        _ => null,
    };
}

/// <summary>The fields of the <c>result</c> object: the decision.</summary>
internal static class ResultFields
{
    /// <summary>The value of <see cref="Format"/>: bumped only when a field changes meaning.</summary>
    public const int FormatVersion = 1;

    public const string Format = "format";
    public const string Study = "study";
    public const string Checkpoint = "checkpoint";
    /// <summary>The pick's path as the spec resolved it (absolute when it exists beside the spec).</summary>
    public const string CheckpointPath = "checkpoint_path";
    public const string Step = "step";
    public const string Score = "score";
    public const string Low = "low";
    public const string High = "high";
    public const string ProbabilityBest = "prob_best";
    public const string ExpectedShortfall = "expected_shortfall";
    /// <summary>How many of the latest evaluations the held-out check predicted from those before them; 0: P(best) and the
    /// interval are the model's own, unchecked.</summary>
    public const string HeldOutCheck = "held_out_check";
    public const string Evaluations = "evaluations";
    public const string NewEvaluations = "new_evaluations";
    public const string GridCells = "grid_cells";
    /// <summary>Why the run stopped: one of <see cref="RunEnds"/>.</summary>
    public const string End = "end";
    public const string Spec = "spec";
    public const string Journal = "journal";
    public const string Summary = "summary";
    public const string ReportHtml = "report_html";
}

/// <summary>The <c>end</c> of a result: why the run stopped.</summary>
internal static class RunEnds
{
    public const string BudgetSpent = "budget-spent";
    public const string Confident = "confident";
    public const string NearBest = "near-best";
    public const string TimeLimit = "time-limit";
    public const string GridExhausted = "grid-exhausted";
    public const string EvaluationsFailing = "evaluations-failing";
    public const string Interrupted = "interrupted";
}
