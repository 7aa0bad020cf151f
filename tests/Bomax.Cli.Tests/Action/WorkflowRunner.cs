using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.Action;

/// <summary>How one job of a workflow run ended, with every runner it took (one per matrix combination).</summary>
internal sealed record JobOutcome(string Id, string Result, IReadOnlyList<RunnerJob> Runs, IReadOnlyDictionary<string, string> Outputs);

/// <summary>
/// Runs a workflow file's jobs the way GitHub schedules them, one at a time: in <c>needs</c> order, each job's
/// <c>if:</c> (with <c>needs</c>, the status functions and the implicit <c>success()</c> over its needs), its
/// <c>strategy.matrix</c> expanded (lists or <c>fromJSON</c>; one runner per combination, with
/// <c>matrix</c> and <c>strategy.job-index</c>), workflow and job <c>env:</c>, and job <c>outputs:</c> for later jobs.
/// </summary>
internal sealed class WorkflowRunner(StepRunner steps, Func<string, RunnerJob> newRunner)
{
    public Dictionary<string, JobOutcome> Run(string workflowPath)
    {
        var workflow = Yaml.ReadFile(workflowPath);
        var jobs = Yaml.Map(workflow["jobs"], "jobs");
        var workflowEnv = Yaml.MapOrEmpty(workflow.GetValueOrDefault("env"));
        var done = new Dictionary<string, JobOutcome>();
        while (done.Count < jobs.Count)
        {
            var ready = jobs.Keys.Cast<string>().FirstOrDefault(id => !done.ContainsKey(id) && Needs(jobs[id]).All(done.ContainsKey))
                ?? throw new FormatException($"{workflowPath}: jobs wait on each other or on a job that does not exist");
            done[ready] = RunJob(ready, Yaml.Map(jobs[ready], ready), workflowEnv, done);
        }
        return done;
    }

    static List<string> Needs(object job) => Yaml.MapOrEmpty(job).GetValueOrDefault("needs") switch
    {
        null => [],
        string one => [one],
        List<object> many => many.Cast<string>().ToList(),
        _ => throw new FormatException("needs is neither a job id nor a list"),
    };

    JobOutcome RunJob(string id, Dictionary<object, object> job, Dictionary<object, object> workflowEnv, Dictionary<string, JobOutcome> done)
    {
        var needs = new JsonObject();
        foreach (var need in Needs(job))
        {
            var outputs = new JsonObject();
            foreach (var (k, v) in done[need].Outputs) outputs[k] = v;
            needs[need] = new JsonObject { ["result"] = done[need].Result, ["outputs"] = outputs };
        }
        bool needsSucceeded = Needs(job).All(n => done[n].Result == "success");
        var probe = newRunner(id);
        Expressions JobExpressions(JsonObject? matrix = null) => new(new Dictionary<string, JsonNode?>
        {
            ["github"] = probe.Github.DeepClone(),
            ["needs"] = needs.DeepClone(),
            ["matrix"] = matrix?.DeepClone() ?? new JsonObject(),
            ["env"] = new JsonObject(),
        }, () => needsSucceeded ? "success" : "failure");

        if (!JobExpressions().Condition(Yaml.Text(job, "if")))
            return new JobOutcome(id, "skipped", [], new Dictionary<string, string>());

        var combinations = Matrix(Yaml.MapOrEmpty(job.GetValueOrDefault("strategy")), JobExpressions());
        var runs = new List<RunnerJob>();
        var jobOutputs = new Dictionary<string, string>(StringComparer.Ordinal);
        bool success = true;
        for (int index = 0; index < combinations.Count; index++)
        {
            var runner = index == 0 ? probe : newRunner(id);
            foreach (var (k, v) in combinations[index]) runner.Matrix[k] = v?.DeepClone();
            if (combinations[index].Count > 0)
            {
                runner.Strategy["job-index"] = index;
                runner.Strategy["job-total"] = combinations.Count;
            }
            foreach (var (k, v) in runner.Needs.ToList()) runner.Needs.Remove(k);
            foreach (var (k, v) in needs) runner.Needs[k] = v?.DeepClone();
            var envExpressions = JobExpressions(runner.Matrix);
            foreach (var (k, v) in workflowEnv.Concat(Yaml.MapOrEmpty(job.GetValueOrDefault("env"))))
                runner.DeclaredEnv[(string)k] = envExpressions.Interpolate((string)v);

            var (ok, stepsContext) = steps.RunJobSteps(runner, Yaml.List(job["steps"], $"jobs.{id}.steps"));
            success &= ok;
            runs.Add(runner);
            var outputsExpressions = new Expressions(new Dictionary<string, JsonNode?>
            {
                ["steps"] = stepsContext,
                ["needs"] = needs.DeepClone(),
                ["matrix"] = runner.Matrix.DeepClone(),
                ["github"] = runner.Github.DeepClone(),
            });
            foreach (var (k, v) in Yaml.MapOrEmpty(job.GetValueOrDefault("outputs")))
                if (outputsExpressions.Interpolate((string)v) is { Length: > 0 } value) jobOutputs[(string)k] = value;
        }
        return new JobOutcome(id, success ? "success" : "failure", runs, jobOutputs);
    }

    /// <summary>Every combination of the matrix's values (one empty combination when there is no matrix).</summary>
    static List<Dictionary<string, JsonNode?>> Matrix(Dictionary<object, object> strategy, Expressions expressions)
    {
        var combinations = new List<Dictionary<string, JsonNode?>> { new() };
        if (!strategy.TryGetValue("matrix", out var matrixNode)) return combinations;
        foreach (var (key, value) in Yaml.Map(matrixNode, "strategy.matrix"))
        {
            var name = (string)key;
            Assert.False(name is "include" or "exclude", "the harness does not expand matrix include/exclude");
            var values = value switch
            {
                string text when text.Trim().StartsWith("${{", StringComparison.Ordinal) =>
                    expressions.Evaluate(text.Trim()[3..^2]) as JsonArray ?? throw new FormatException($"matrix.{name} is not an array"),
                List<object> list => new JsonArray(list.Select(v => (JsonNode?)JsonValue.Create(v as string)).ToArray()),
                _ => throw new FormatException($"matrix.{name} is neither a list nor an expression"),
            };
            Assert.True(values.Count > 0, $"matrix.{name} is empty: GitHub fails such a job ('Matrix vector does not contain any values')");
            Assert.True(values.Count <= 256, $"matrix.{name} has {values.Count} values; GitHub runs at most 256 jobs from one matrix");
            combinations = combinations
                .SelectMany(c => values.Select(v => new Dictionary<string, JsonNode?>(c) { [name] = v?.DeepClone() }))
                .ToList();
        }
        return combinations;
    }
}
