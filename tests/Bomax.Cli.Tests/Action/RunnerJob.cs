using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.Action;

/// <summary>What one step left: its outcome and outputs, as the <c>steps</c> context shows them.</summary>
internal sealed record StepResult(string Id, string Name, string Outcome, IReadOnlyDictionary<string, string> Outputs, string Log);

/// <summary>
/// One job on one runner: a workspace and RUNNER_TEMP of its own, the environment a runner gives each step
/// (GITHUB_ACTIONS=true, fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_ENV / GITHUB_PATH files per step,
/// GITHUB_ENV and GITHUB_PATH carried to later steps), and the contexts its expressions read.
/// </summary>
internal sealed class RunnerJob
{
    public required string Workspace { get; init; }
    public required string RunnerTemp { get; init; }
    public required JsonObject Github { get; init; }
    public JsonObject Matrix { get; init; } = [];
    public JsonObject Needs { get; init; } = [];
    public JsonObject Strategy { get; init; } = [];
    public JsonObject Secrets { get; init; } = [];
    /// <summary>Workflow- and job-level <c>env:</c>.</summary>
    public Dictionary<string, string> DeclaredEnv { get; } = new(StringComparer.Ordinal);
    /// <summary>Variables set through GITHUB_ENV by earlier steps.</summary>
    public Dictionary<string, string> FileEnv { get; } = new(StringComparer.Ordinal);
    /// <summary>Directories added through GITHUB_PATH, the latest first.</summary>
    public List<string> PathEntries { get; } = [];
    public StringBuilder Log { get; } = new();
    public StringBuilder Summary { get; } = new();
    public List<StepResult> Steps { get; } = [];
    public bool Failed { get; set; }

    int scripts;

    public JsonObject Runner => new() { ["os"] = "Linux", ["arch"] = "X64", ["temp"] = RunnerTemp, ["name"] = "harness" };

    public JsonObject EnvContext(IReadOnlyDictionary<string, string>? stepEnv = null)
    {
        var env = new JsonObject();
        foreach (var (k, v) in DeclaredEnv) env[k] = v;
        foreach (var (k, v) in FileEnv) env[k] = v;
        if (stepEnv is not null) foreach (var (k, v) in stepEnv) env[k] = v;
        return env;
    }

    /// <summary>The variables GitHub's runner sets for every step (the test's own GITHUB_* are dropped).</summary>
    Dictionary<string, string?> BaseEnvironment()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var name = (string)e.Key;
            if (name.StartsWith("GITHUB_", StringComparison.Ordinal) || name.StartsWith("RUNNER_", StringComparison.Ordinal)
                || name.StartsWith("INPUT_", StringComparison.Ordinal))
                continue;
            env[name] = e.Value as string;
        }
        string G(string key) => Github[key]?.GetValue<string>() ?? "";
        env["CI"] = "true";
        env["GITHUB_ACTIONS"] = "true";
        env["GITHUB_WORKSPACE"] = Workspace;
        env["GITHUB_REPOSITORY"] = G("repository");
        env["GITHUB_EVENT_NAME"] = G("event_name");
        env["GITHUB_EVENT_PATH"] = G("event_path");
        env["GITHUB_API_URL"] = G("api_url");
        env["GITHUB_SERVER_URL"] = G("server_url");
        env["GITHUB_RUN_ID"] = G("run_id");
        env["GITHUB_RUN_ATTEMPT"] = G("run_attempt");
        env["GITHUB_JOB"] = G("job");
        env["GITHUB_SHA"] = G("sha");
        env["RUNNER_TEMP"] = RunnerTemp;
        env["RUNNER_OS"] = "Linux";
        env["RUNNER_ARCH"] = "X64";
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_NOLOGO"] = "1";
        return env;
    }

    /// <summary>
    /// Runs a <c>run:</c> script with bash as the runner does (<c>bash --noprofile --norc -eo pipefail FILE</c>) and
    /// reads back its outputs, GITHUB_ENV, GITHUB_PATH and step summary. Returns (exit code, outputs, log).
    /// </summary>
    public (int ExitCode, Dictionary<string, string> Outputs, string Log) Bash(string script, IReadOnlyDictionary<string, string> stepEnv,
        string? workingDirectory, string? actionPath)
    {
        int n = ++scripts;
        var files = Path.Combine(RunnerTemp, "_runner_file_commands");
        Directory.CreateDirectory(files);
        string output = Path.Combine(files, $"set_output_{n}"), env = Path.Combine(files, $"set_env_{n}"),
            path = Path.Combine(files, $"add_path_{n}"), summary = Path.Combine(files, $"step_summary_{n}"),
            file = Path.Combine(RunnerTemp, $"step-{n}.sh");
        foreach (var f in new[] { output, env, path, summary }) File.WriteAllText(f, "");
        File.WriteAllText(file, script);

        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory is null ? Workspace : Path.GetFullPath(workingDirectory, Workspace),
        };
        foreach (var a in new[] { "--noprofile", "--norc", "-eo", "pipefail", file }) start.ArgumentList.Add(a);
        start.Environment.Clear();
        foreach (var (k, v) in BaseEnvironment()) start.Environment[k] = v;
        foreach (var (k, v) in DeclaredEnv) start.Environment[k] = v;
        foreach (var (k, v) in FileEnv) start.Environment[k] = v;
        foreach (var (k, v) in stepEnv) start.Environment[k] = v;
        start.Environment["PATH"] = string.Join(':', PathEntries.Append(start.Environment["PATH"] ?? "/usr/bin:/bin"));
        start.Environment["GITHUB_OUTPUT"] = output;
        start.Environment["GITHUB_ENV"] = env;
        start.Environment["GITHUB_PATH"] = path;
        start.Environment["GITHUB_STEP_SUMMARY"] = summary;
        if (actionPath is not null) start.Environment["GITHUB_ACTION_PATH"] = actionPath;

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var log = new StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.Append(e.Data).Append('\n'); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"a step ran past 3 minutes:\n{log}");
        }
        process.WaitForExit();

        foreach (var (k, v) in FileCommands.ReadNameValues(env)) FileEnv[k] = v;
        foreach (var dir in FileCommands.ReadPaths(path)) PathEntries.Insert(0, dir);
        Summary.Append(File.ReadAllText(summary));
        return (process.ExitCode, FileCommands.ReadNameValues(output), log.ToString());
    }
}
