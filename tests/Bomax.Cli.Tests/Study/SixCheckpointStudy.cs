using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Study;

/// <summary>A tiny study for in-process runner tests: six checkpoints, a real bash eval script whose score peaks at step 400,
/// and the caller's benchmarks and extra top-level lines, written into a folder the caller owns.</summary>
internal static class SixCheckpointStudy
{
    public static StudyContext Write(string directory, string name, string benchmarks, string extra)
    {
        string script = Path.Combine(directory, "eval.sh");
        File.WriteAllText(script, "#!/bin/bash\nawk -v s=\"$BOMAX_STEP\" 'BEGIN { d = (s - 400) / 300; printf \"%.4f\\n\", 0.7 - 0.2 * d * d }'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string spec = Path.Combine(directory, "study.yml");
        File.WriteAllText(spec, $$"""
            study: {{name}}
            checkpoints: { list: [ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500, ckpt-600] }
            benchmarks: {{benchmarks}}
            eval: { command: './eval.sh {benchmark}' }
            {{extra}}
            journal: journal.jsonl
            """);
        return Assert.IsType<StudyLoad.Ok>(StudyContext.Load(spec)).Study;
    }
}
