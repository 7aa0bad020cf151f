using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.Action;

/// <summary>What a <c>uses:</c> step of another action did, in the harness's stand-in for it.</summary>
internal sealed record UsesOutcome(bool Success, IReadOnlyDictionary<string, string> Outputs, string Log = "");

/// <summary>A stand-in for another action (checkout, cache, artifacts): what it would do to the job, given its <c>with:</c>.</summary>
internal delegate UsesOutcome UsesHandler(RunnerJob job, IReadOnlyDictionary<string, string> with);

/// <summary>
/// Runs steps in order as the runner does: <c>if:</c> (status functions and the implicit <c>success()</c>),
/// <c>env:</c> and <c>with:</c> evaluated, <c>run:</c> scripts through bash in the step's working directory, and
/// <c>uses:</c> — our composite action (its <c>runs.steps</c>, with its inputs, <c>github.action_path</c> and
/// GITHUB_ACTION_PATH, and its <c>outputs:</c> mapped back) or a stand-in for another action. An action the
/// harness has no stand-in for fails the test: nothing is skipped silently.
/// </summary>
internal sealed class StepRunner(string actionDirectory, IReadOnlyDictionary<string, UsesHandler> handlers)
{
    /// <summary>How workflows refer to our action: a path in the repository, or owner/repo/action@ref.</summary>
    public static bool IsOurAction(string uses) =>
        uses is "./action" || uses.Split('@')[0].EndsWith("/bomax-ci/action", StringComparison.Ordinal);

    sealed class Scope
    {
        public JsonObject Steps { get; } = [];
        public JsonObject? Inputs { get; init; }
        public string? ActionPath { get; init; }
        public bool Failed { get; set; }
    }

    /// <summary>A workflow job's steps; returns whether the job succeeded, and its steps context.</summary>
    public (bool Success, JsonObject Steps) RunJobSteps(RunnerJob job, List<object> steps)
    {
        var scope = new Scope();
        for (int i = 0; i < steps.Count; i++) RunStep(job, scope, Yaml.Map(steps[i], $"step {i + 1}"), i, composite: false);
        job.Failed |= scope.Failed;
        return (!scope.Failed, scope.Steps);
    }

    /// <summary>Our composite action with <paramref name="with"/> as its inputs; returns success and its outputs.</summary>
    public (bool Success, Dictionary<string, string> Outputs) RunAction(RunnerJob job, IReadOnlyDictionary<string, string> with)
    {
        var action = Yaml.ReadFile(Path.Combine(actionDirectory, "action.yml"));
        var declared = Yaml.Map(action["inputs"], "inputs");
        var unknown = with.Keys.Where(k => !declared.ContainsKey(k)).ToList();
        Assert.True(unknown.Count == 0, $"the action has no input(s) {string.Join(", ", unknown)} (GitHub would warn and ignore them)");
        var defaults = For(job, new Scope(), job.EnvContext(), actionPath: actionDirectory);
        var inputs = new JsonObject();
        foreach (var (key, value) in declared)
        {
            var name = (string)key;
            inputs[name] = with.TryGetValue(name, out var given) ? given : defaults.Interpolate(Yaml.Text(Yaml.Map(value, name), "default") ?? "");
        }
        var runs = Yaml.Map(action["runs"], "runs");
        Assert.Equal("composite", Yaml.Text(runs, "using"));
        var scope = new Scope { Inputs = inputs, ActionPath = actionDirectory, Failed = false };
        var steps = Yaml.List(runs["steps"], "runs.steps");
        for (int i = 0; i < steps.Count; i++) RunStep(job, scope, Yaml.Map(steps[i], $"runs.steps[{i}]"), i, composite: true);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var expressions = For(job, scope, job.EnvContext(), actionDirectory);
        foreach (var (key, value) in Yaml.MapOrEmpty(action.GetValueOrDefault("outputs")))
            outputs[(string)key] = expressions.Interpolate(Yaml.Text(Yaml.Map(value, (string)key), "value") ?? "");
        return (!scope.Failed, outputs);
    }

    static Expressions For(RunnerJob job, Scope scope, JsonObject env, string? actionPath)
    {
        var github = (JsonObject)job.Github.DeepClone();
        if (actionPath is not null) github["action_path"] = actionPath;
        var contexts = new Dictionary<string, JsonNode?>
        {
            ["github"] = github,
            ["env"] = env,
            ["steps"] = scope.Steps,
            ["runner"] = job.Runner,
            ["job"] = new JsonObject { ["status"] = scope.Failed ? "failure" : "success" },
        };
        if (scope.Inputs is not null) contexts["inputs"] = scope.Inputs;
        else
        {
            // Workflow-level contexts; a composite action sees none of these.
            contexts["matrix"] = job.Matrix;
            contexts["needs"] = job.Needs;
            contexts["strategy"] = job.Strategy;
            contexts["secrets"] = job.Secrets;
        }
        return new Expressions(contexts, () => scope.Failed ? "failure" : "success");
    }

    void RunStep(RunnerJob job, Scope scope, Dictionary<object, object> step, int index, bool composite)
    {
        var id = Yaml.Text(step, "id") ?? $"__{index}";
        var run = Yaml.Text(step, "run");
        var uses = Yaml.Text(step, "uses");
        var name = Yaml.Text(step, "name") ?? uses ?? run ?? id;
        Assert.True((run is null) != (uses is null), $"step '{name}' needs exactly one of run and uses");
        var plain = For(job, scope, job.EnvContext(), scope.ActionPath);
        if (!plain.Condition(Yaml.Text(step, "if")))
        {
            Record(job, scope, id, name, "skipped", new Dictionary<string, string>(), "");
            return;
        }
        var stepEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Yaml.MapOrEmpty(step.GetValueOrDefault("env")))
            stepEnv[(string)key] = plain.Interpolate((string)value);
        var expressions = For(job, scope, job.EnvContext(stepEnv), scope.ActionPath);

        if (run is not null)
        {
            var shell = Yaml.Text(step, "shell");
            if (composite) Assert.True(shell is not null, $"composite step '{name}' has no shell (GitHub requires one)");
            Assert.True(shell is null or "bash", $"step '{name}': the harness runs only shell: bash, not '{shell}'");
            var directory = Yaml.Text(step, "working-directory") is { } wd ? expressions.Interpolate(wd) : null;
            var (code, outputs, log) = job.Bash(expressions.Interpolate(run), stepEnv, directory, scope.ActionPath);
            Record(job, scope, id, name, code == 0 ? "success" : "failure", outputs,
                log + (code == 0 ? "" : $"##[error]Process completed with exit code {code}.\n"));
            return;
        }

        var with = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Yaml.MapOrEmpty(step.GetValueOrDefault("with")))
            with[(string)key] = expressions.Interpolate((string)value);
        if (IsOurAction(uses!))
        {
            var (success, outputs) = RunAction(job, with);
            Record(job, scope, id, name, success ? "success" : "failure", outputs, "", logged: true);
            return;
        }
        var action = uses!.Split('@')[0];
        Assert.True(handlers.TryGetValue(action, out var handler), $"step '{name}' uses {uses}, which the harness has no stand-in for");
        var outcome = handler!(job, with);
        Record(job, scope, id, name, outcome.Success ? "success" : "failure", outcome.Outputs, outcome.Log);
    }

    static void Record(RunnerJob job, Scope scope, string id, string name, string outcome, IReadOnlyDictionary<string, string> outputs, string log,
        bool logged = false)
    {
        var outputNode = new JsonObject();
        foreach (var (k, v) in outputs) outputNode[k] = v;
        scope.Steps[id] = new JsonObject { ["outputs"] = outputNode, ["outcome"] = outcome, ["conclusion"] = outcome };
        if (outcome == "failure") scope.Failed = true;
        job.Steps.Add(new StepResult(id, name, outcome, outputs, log));
        if (!logged) job.Log.Append($"##[step] {name} ({outcome})\n").Append(log);
    }
}
