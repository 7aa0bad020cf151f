using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using Bomax.Cli.Study;

namespace Bomax.Cli.Commands;

/// <summary>What <c>bomax init</c> was asked for, as given on the command line.</summary>
/// <param name="Checkpoints">Every value given to <c>--checkpoints</c>: one pattern, unless the shell expanded it.</param>
/// <param name="Tasks">Every value given to <c>--tasks</c>, each a comma-separated list.</param>
/// <param name="Output">The spec file to write.</param>
/// <param name="Study">The study name, or null to derive it from the checkpoints' folder.</param>
/// <param name="Force">Replace the spec file when it exists.</param>
internal sealed record InitOptions(IReadOnlyList<string> Checkpoints, IReadOnlyList<string> Tasks, string Output, string? Study, bool Force);

/// <summary>
/// <c>bomax init --checkpoints PATTERN --tasks A,B,C [-o bomax.yml] [--study NAME] [--force]</c>: writes a commented study
/// spec for lm-evaluation-harness (see <see cref="SpecTemplate"/>), each task scored by the metric the harness reports for
/// it, then says how many checkpoints the pattern matches now and what to run next. Exits 2 on a bad option, a task name
/// that cannot be a benchmark, or a spec file that exists (without <c>--force</c>).
/// </summary>
internal static partial class InitCommand
{
    public const string DefaultOutput = "bomax.yml";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TaskName();


    public static Command Create()
    {
        var checkpoints = new Option<string[]>("--checkpoints")
        {
            Description = "The checkpoints: a pattern of folders or files, relative to the spec's folder, in quotes (e.g. 'runs/x/checkpoint-*'). "
                + "It need not match anything yet.",
            AllowMultipleArgumentsPerToken = true,
        };
        var tasks = new Option<string[]>("--tasks") { Description = "The lm-evaluation-harness tasks, comma-separated (e.g. mmlu,gsm8k,hellaswag)." };
        var output = new Option<string>("--output", "-o") { Description = "The spec file to write.", DefaultValueFactory = _ => DefaultOutput };
        var study = new Option<string?>("--study") { Description = "The study's name (default: the checkpoints' folder name)." };
        var force = new Option<bool>("--force") { Description = "Replace the spec file if it exists." };
        var command = new Command("init",
            "Write a commented study spec for lm-evaluation-harness, each task scored by the metric the harness reports for it.")
        {
            checkpoints, tasks, output, study, force,
        };
        command.SetAction(parse => Run(new InitOptions(parse.GetValue(checkpoints) ?? [], parse.GetValue(tasks) ?? [], parse.GetValue(output)!,
            parse.GetValue(study), parse.GetValue(force)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>
    /// Checks <paramref name="options"/>, writes the spec, and prints what it wrote and the next steps to
    /// <paramref name="output"/>; problems and warnings go to <paramref name="errors"/>. Returns the exit code: 0, or
    /// <see cref="ExitCodes.UsageError"/> with nothing written.
    /// </summary>
    public static int Run(InitOptions options, TextWriter output, TextWriter errors)
    {
        var (glob, globProblem) = ReadCheckpoints(options.Checkpoints);
        if (globProblem is not null) return Usage(errors, globProblem);
        var (tasks, tasksProblem) = ReadTasks(options.Tasks);
        if (tasksProblem is not null) return Usage(errors, tasksProblem);
        if (options.Study is { } given && StudyNameProblem(given) is { } studyProblem) return Usage(errors, studyProblem);

        string specPath = Path.GetFullPath(options.Output);
        string specDirectory = Path.GetDirectoryName(specPath)!;
        if (Directory.Exists(specPath))
            return Usage(errors, $"-o {options.Output} is a folder: give the spec file's path, e.g. {Path.Combine(options.Output, DefaultOutput)}");
        if (!Directory.Exists(specDirectory))
            return Usage(errors, $"the folder {specDirectory} does not exist: create it, or write the spec elsewhere with -o");
        if (File.Exists(specPath) && !options.Force)
            return Usage(errors, $"{options.Output} exists: --force replaces it, or -o writes the spec elsewhere");

        var request = new SpecTemplateRequest(options.Study ?? SpecTemplate.StudyNameFor(glob!, specDirectory), options.Study is not null,
            glob!, tasks!, options.Output);
        try
        {
            Write(specPath, SpecTemplate.Text(request), options.Force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage(errors, $"cannot write {options.Output}: {e.Message}");
        }

        foreach (string warning in Warnings(glob!, tasks!, options.Output)) errors.WriteLine($"bomax: warning: {warning}");
        foreach (string line in Summary(request, CheckpointsNote(glob!, specPath, specDirectory, Directory.GetCurrentDirectory())))
            output.WriteLine(line);
        return ExitCodes.Success;
    }

    /// <summary>
    /// The checkpoint pattern from the values of <c>--checkpoints</c>: exactly one, not blank, without control characters
    /// (several values mean the shell expanded an unquoted pattern). The pattern, or why not.
    /// </summary>
    internal static (string? Glob, string? Problem) ReadCheckpoints(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
            return (null, "give the checkpoints: --checkpoints 'runs/x/checkpoint-*' (a pattern of folders or files, in quotes)");
        if (values.Count > 1)
            return (null, $"--checkpoints got {values.Count} paths ({string.Join(", ", values.Take(3))}{(values.Count > 3 ? ", …" : "")}): "
                          + "the shell expanded the pattern; put it in quotes, e.g. --checkpoints 'runs/x/checkpoint-*'");
        string glob = values[0];
        if (glob.Trim().Length == 0)
            return (null, "--checkpoints is empty: give a pattern of checkpoint folders or files, e.g. 'runs/x/checkpoint-*'");
        if (glob.Any(char.IsControl))
            return (null, "--checkpoints holds a control character (a line break or a tab?): give the pattern on one line");
        return (glob, null);
    }

    /// <summary>
    /// The tasks from the values of <c>--tasks</c>, each split at commas and trimmed, in order: every name one an
    /// lm-evaluation-harness task can have (letters, digits, '_', '-', '.'; not a tag that reports no score of its own),
    /// none empty, none twice. The tasks, or the first problem found.
    /// </summary>
    internal static (IReadOnlyList<string>? Tasks, string? Problem) ReadTasks(IReadOnlyList<string> values)
    {
        if (values.Count == 0 || values.All(v => v.Trim().Length == 0))
            return (null, "give the tasks: --tasks mmlu,gsm8k,hellaswag (lm-evaluation-harness task names, comma-separated)");
        var tasks = new List<string>();
        foreach (string value in values)
        {
            var names = value.Split(',');
            for (int i = 0; i < names.Length; i++)
            {
                string name = names[i].Trim();
                if (name.Length == 0)
                    return (null, $"--tasks '{value}' has an empty name (name {i + 1} of {names.Length}): separate task names with single commas");
                if (!TaskName().IsMatch(name))
                    return (null, $"'{name}' cannot be a benchmark: lm-evaluation-harness task names are letters, digits, '_', '-' and '.'"
                                  + (name.Any(char.IsWhiteSpace) ? " (separate tasks with commas)" : ""));
                if (LmEvalTasks.Tags.TryGetValue(name, out string? instead))
                    return (null, $"'{name}' cannot be a benchmark: lm-evaluation-harness reads it as a tag of several tasks and reports no "
                                  + $"'{name}' score; name the tasks instead, e.g. {instead}");
                if (tasks.Contains(name))
                    return (null, $"--tasks names '{name}' twice: every benchmark is named once");
                tasks.Add(name);
            }
        }
        return (tasks, null);
    }

    /// <summary>Why <paramref name="study"/> cannot be a study's name (as <see cref="SpecReader"/> checks it), or null.</summary>
    internal static string? StudyNameProblem(string study) =>
        !SpecReader.StudyName().IsMatch(study) ? $"--study '{study}' is not a valid study name: use letters, digits, '.', '_' and '-' only"
        : study.Trim('.').Length == 0 ? $"--study '{study}' is not a valid study name: it must not be only dots"
        : null;

    /// <summary>Writes <paramref name="text"/> as UTF-8 to a new file at <paramref name="path"/>; with <paramref name="replace"/>,
    /// over the file there.</summary>
    static void Write(string path, string text, bool replace)
    {
        using var stream = new FileStream(path, replace ? FileMode.Create : FileMode.CreateNew, FileAccess.Write);
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.Write(text);
    }

    /// <summary>What the user should know about a written spec: a pattern without wildcards (one checkpoint, or a pattern the
    /// shell expanded to its one match), the tasks <see cref="LmEvalTasks"/> does not know, and those that run the model's code.</summary>
    internal static IEnumerable<string> Warnings(string glob, IReadOnlyList<string> tasks, string specPath)
    {
        if (!glob.Contains('*') && !glob.Contains('?'))
            yield return $"--checkpoints {glob} has no * or ?, so it names one checkpoint; if the shell expanded your pattern, "
                         + "run again with it in quotes and --force";
        var unknown = tasks.Where(t => LmEvalTasks.Find(t) is null).ToList();
        if (unknown.Count > 0)
            yield return $"unknown to bomax init: {string.Join(", ", unknown)}; {(unknown.Count == 1 ? "it is" : "they are")} scored by eval.score "
                         + $"({LmEvalTasks.DefaultMetric}): check the metric the harness reports with "
                         + $"`bomax check {CheckCommand.ShellWords([specPath])} --benchmark {unknown[0]}` "
                         + $"and set score: on {(unknown.Count == 1 ? "its" : "each")} entry if it differs";
        var unsafeCode = tasks.Where(t => t is "humaneval" or "mbpp").ToList();
        if (unsafeCode.Count > 0)
            yield return $"{string.Join(" and ", unsafeCode)} {(unsafeCode.Count == 1 ? "runs" : "run")} the model's code on this machine: lm_eval "
                         + "refuses unless its command has --confirm_run_unsafe_code and eval.env has HF_ALLOW_CODE_EVAL: \"1\"; "
                         + "add them once you accept that";
    }

    /// <summary>
    /// What the pattern matches now, resolved as <c>bomax run</c> will (<see cref="CheckpointResolver"/>, from the spec's
    /// folder): how many checkpoints and their steps, nothing yet, or why their steps cannot be read. A relative pattern
    /// that matches nothing from the spec's folder but does from <paramref name="currentDirectory"/> says so.
    /// </summary>
    internal static string CheckpointsNote(string glob, string specPath, string specDirectory, string currentDirectory)
    {
        int Count(string from)
        {
            try { return CheckpointResolver.Glob.Match(glob, from, out _).Count; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return 0; }
        }
        if (Count(specDirectory) == 0)
        {
            bool elsewhere = !Path.IsPathRooted(glob) && Path.GetFullPath(currentDirectory) != specDirectory && Count(currentDirectory) > 0;
            return elsewhere
                ? $"matches nothing from the spec's folder {specDirectory}, which it is relative to, but {Count(currentDirectory)} from here: "
                  + "write it relative to the spec's folder, or as an absolute path"
                : "matches nothing yet: fine before training writes checkpoints; every run resolves it again";
        }
        var resolved = CheckpointResolver.Resolve(new CheckpointSpec(glob, null, null, default), specPath, specDirectory);
        return resolved switch
        {
            ResolveResult.Ok { Checkpoints: var found } =>
                $"matches {found.Count} checkpoint{(found.Count == 1 ? "" : "s")} now, steps {found[0].Step}"
                + (found.Count > 1 ? $" to {found[^1].Step}" : "") + "; every run resolves it again",
            ResolveResult.Invalid { Errors: var problems } =>
                $"matches, but {problems[0].Message}; set checkpoints.step in the spec",
            _ => "",
        };
    }

    /// <summary>The lines printed after writing: the file, each benchmark's score rule, the checkpoints, the next steps.</summary>
    internal static IEnumerable<string> Summary(SpecTemplateRequest request, string checkpointsNote)
    {
        string spec = CheckCommand.ShellWords([request.SpecPath]);
        yield return $"wrote {request.SpecPath}: study {request.Study}, {request.Tasks.Count} benchmark{(request.Tasks.Count == 1 ? "" : "s")}";
        int width = request.Tasks.Max(t => t.Length);
        foreach (string task in request.Tasks)
        {
            var known = LmEvalTasks.Find(task);
            string rule = known is null
                ? $"{LmEvalTasks.DefaultMetric} (eval.score: unknown to bomax init)"
                : known.Metric + (known.Goal == ScoreGoal.Minimize ? " (lower is better)" : "");
            yield return $"  {task.PadRight(width)}  {rule}";
        }
        yield return $"checkpoints: {CheckCommand.ShellWords([request.CheckpointGlob])} {checkpointsNote}";
        yield return "next:";
        yield return $"  bomax check {spec}    # one evaluation per distinct score rule: the command, its output and the score read";
        yield return $"  bomax run {spec}";
    }

    static int Usage(TextWriter errors, string message)
    {
        errors.WriteLine($"bomax: {message}");
        return ExitCodes.UsageError;
    }
}
