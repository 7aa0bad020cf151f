namespace Bomax.Cli;

/// <summary>The process exit codes, as documented in the README.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Bad input: a bad table, spec or option. Nothing was evaluated.</summary>
    public const int UsageError = 2;
    /// <summary>Most recent evaluations failed; the study stopped early.</summary>
    public const int EvaluationsFailing = 3;
    public const int Interrupted = 130;
}
