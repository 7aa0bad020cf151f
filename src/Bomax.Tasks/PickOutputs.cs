using Microsoft.Build.Framework;

namespace Bomax.Tasks;

/// <summary>The pick as task outputs, shared by the task that runs the study and the one that reads its last result.</summary>
public abstract class PickOutputs : Microsoft.Build.Utilities.Task
{
    [Output] public string Checkpoint { get; private set; } = "";
    [Output] public string CheckpointPath { get; private set; } = "";
    [Output] public string Step { get; private set; } = "";
    [Output] public string Score { get; private set; } = "";
    [Output] public string ProbabilityBest { get; private set; } = "";
    [Output] public string ExpectedShortfall { get; private set; } = "";
    [Output] public string HeldOutCheck { get; private set; } = "";
    [Output] public string SummaryPath { get; private set; } = "";

    private protected void Publish(StudyResult result)
    {
        Checkpoint = result.Checkpoint;
        CheckpointPath = result.CheckpointPath;
        Step = result.Step;
        Score = result.Score;
        ProbabilityBest = result.ProbabilityBest;
        ExpectedShortfall = result.ExpectedShortfall;
        HeldOutCheck = result.HeldOutCheck;
        SummaryPath = result.Summary;
    }
}
