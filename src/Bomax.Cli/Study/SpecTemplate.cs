using System.Globalization;
using System.Text;

namespace Bomax.Cli.Study;

/// <summary>
/// What <c>bomax init</c> writes a spec from, already checked: a valid study name, a checkpoint glob without control
/// characters, distinct task names of letters, digits, '_', '-' and '.', and the spec's path as the user gave it (for
/// the header's next steps).
/// </summary>
/// <param name="StudyGiven">Whether the study name came from <c>--study</c> (the header's command line then shows it).</param>
internal sealed record SpecTemplateRequest(string Study, bool StudyGiven, string CheckpointGlob, IReadOnlyList<string> Tasks, string SpecPath);

/// <summary>
/// The commented study spec of <c>bomax init</c>: YAML written as text, every user-given value a double-quoted scalar,
/// every key with a comment on what it does and what else it accepts, and each lm-evaluation-harness task with the
/// metric <see cref="LmEvalTasks"/> knows for it (or the study default, marked, when it knows none).
/// </summary>
internal static class SpecTemplate
{
    /// <summary>The lm-evaluation-harness command line of a generated spec.</summary>
    public const string LmEvalCommand =
        "lm_eval --model hf --model_args pretrained={checkpoint_path} --tasks {benchmark} --batch_size auto --output_path {output_dir}";

    /// <summary>The comment on a task that <see cref="LmEvalTasks"/> does not know.</summary>
    public const string UnknownTaskComment = "unknown to bomax init: check its metric with bomax check";

    /// <summary>The column where the comments of key lines start.</summary>
    const int CommentColumn = 40;

    /// <summary>The spec's text for <paramref name="request"/>: "\n" line endings, ending with a newline.</summary>
    public static string Text(SpecTemplateRequest request)
    {
        string spec = CommentText(Commands.CheckCommand.ShellWords([request.SpecPath]));
        var text = new StringBuilder();
        void Line(string code = "", string? comment = null) => text.Append(WithComment(code, comment)).Append('\n');

        Line("# Study spec for bomax: the best checkpoint of a training run by lm-evaluation-harness tasks.");
        Line($"# Written by: {CommentText(Invocation(request))}");
        Line($"# Next: `bomax check {spec}` runs one evaluation per distinct score rule and shows the score read;");
        Line($"#       then `bomax run {spec}`. Every key is described in the README, \"The study spec\".");
        Line();
        Line($"study: {Quoted(request.Study)}", "names the journal and the report: letters, digits, . _ -");
        Line();
        Line("checkpoints:", "the checkpoints to compare: glob: or list:");
        Line($"  glob: {Quoted(request.CheckpointGlob)}", "folders or files, relative to this file's folder; * ? ** match; need not exist yet");
        Line("  # list: [checkpoint-100, org/model-step300]", "instead of glob: names or paths");
        Line("  # step: 'checkpoint-(\\d+)'", "a regex whose first group is the step (default: the last number in the name)");
        Line();
        Line("benchmarks:", "lm-evaluation-harness tasks; each may also take weight: (default 1), command:,");
        Line("", "score: (replaces eval.score) and goal: maximize|minimize (default: as the results say, else maximize)");
        var entries = request.Tasks.Select(Entry).ToList();
        int column = entries.Max(e => e.Code.Length) + 2;
        foreach (var (code, comment) in entries) text.Append(code.PadRight(column)).Append("# ").Append(comment).Append('\n');
        Line();
        Line("eval:", "how one checkpoint is evaluated on one benchmark");
        Line("  ", $"placeholders: {string.Join(' ', Evaluation.CommandTemplate.Placeholders.Select(p => $"{{{p}}}"))}; no shell (see shell:)");
        Line($"  command: {LmEvalCommand}");
        Line($"  score: {{ lm-eval: {SingleQuoted(LmEvalTasks.DefaultMetric)} }}",
            "for benchmarks without score:; or last-number | { json: PATH } | { regex: RE }");
        Line("  timeout: 1h", "per attempt: 90s, 30m, 2h, 1h30m");
        Line("  retries: 1", "extra attempts after a failure (0 for none)");
        Line("  parallel: 1", "evaluations at once (each lm_eval uses every GPU it sees)");
        Line("  # shell: bash", "run the command as a bash script (values as quoted variables)");
        Line("  # workdir: .", "the command's folder (default: this file's folder)");
        Line("  # env: { HF_HOME: /data/hf }", "extra environment variables");
        Line("  # score-limit: 1e6", "scores beyond ± this are failures, not observations");
        Line();
        Line($"budget: {{ max-evals: {Percent(BudgetSpec.DefaultFraction)} }}",
            "evaluations in all: a % of the grid or a count (40); max-time: 6h ends a run; max-eval-hours: 40 at 40 h of evaluation");
        Line();
        Line("# stop: { prob-best: 0.95 }", "stop once the pick is this likely the best (or expected-shortfall: 0.1%)");
        Line("# engine: { device: auto, seed: 0 }", "device auto|cpu|cuda; kernel, task-rank, seed, init, acquisition, costs");
        Line($"# journal: .bomax/{request.Study}.jsonl", "where results are kept (this is the default, beside this file)");
        return text.ToString();
    }

    /// <summary>One task's line in <c>benchmarks:</c> (without its comment) and its comment.</summary>
    static (string Code, string Comment) Entry(string task)
    {
        if (LmEvalTasks.Find(task) is not { } known)
            return ($"  - {{ name: {Quoted(task)} }}", UnknownTaskComment + " (eval.score applies)");
        string goal = known.Goal == ScoreGoal.Minimize ? ", goal: minimize" : "";
        return ($"  - {{ name: {Quoted(task)}, score: {{ lm-eval: {SingleQuoted(known.Metric)} }}{goal} }}", known.Note);
    }

    /// <summary>The <c>bomax init</c> command line that writes this spec, its values quoted for a POSIX shell.</summary>
    static string Invocation(SpecTemplateRequest request)
    {
        var words = new List<string> { "bomax", "init", "--checkpoints", request.CheckpointGlob, "--tasks", string.Join(',', request.Tasks) };
        if (request.StudyGiven) words.AddRange(["--study", request.Study]);
        words.AddRange(["-o", request.SpecPath]);
        return Commands.CheckCommand.ShellWords(words);
    }

    /// <summary>A code line and its comment: the comment at <see cref="CommentColumn"/>, or two spaces after a longer line.
    /// A comment alone continues the comments above (empty code) or stands after the blanks given. No comment: the code as it is.</summary>
    static string WithComment(string code, string? comment)
    {
        if (comment is null) return code;
        if (code.Trim().Length == 0) return (code.Length == 0 ? "".PadRight(CommentColumn) : code) + "# " + comment;
        return (code.Length + 2 <= CommentColumn ? code.PadRight(CommentColumn) : code + "  ") + "# " + comment;
    }

    /// <summary>
    /// <paramref name="value"/> as a YAML double-quoted scalar that reads back as exactly the same string: '\' and '"'
    /// escaped, and so is every character YAML would not keep as it is (control characters, line and paragraph
    /// separators, the byte-order mark, a surrogate without its pair).
    /// </summary>
    public static string Quoted(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                quoted.Append(c).Append(value[++i]);
                continue;
            }
            quoted.Append(c switch
            {
                '\\' => @"\\",
                '"' => "\\\"",
                '\n' => @"\n",
                '\t' => @"\t",
                '\r' => @"\r",
                _ when c < ' ' || c is >= '\u007f' and <= '\u009f' || c is '\u2028' or '\u2029' or '\ufeff' || char.IsSurrogate(c)
                    => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }

    /// <summary><paramref name="value"/> as a YAML single-quoted scalar (a quote doubled); for values without line breaks.</summary>
    public static string SingleQuoted(string value) => "'" + value.Replace("'", "''") + "'";

    /// <summary><paramref name="text"/> fit for one comment line: each character that would end or break the line
    /// (control characters, line and paragraph separators) written as its escape.</summary>
    static string CommentText(string text) =>
        string.Concat(text.Select(c => c < ' ' || c is >= '\u007f' and <= '\u009f' || c is '\u2028' or '\u2029'
            ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}")
            : c.ToString()));

    static string Percent(double fraction) => (100 * fraction).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// A study name for checkpoints matched by <paramref name="glob"/> (relative to <paramref name="specDirectory"/>): the
    /// name of the folder they are in (the last folder before the first segment with '*' or '?'), sanitised by
    /// <see cref="SanitisedStudyName"/>. <c>runs/sft-42/checkpoint-*</c> gives <c>sft-42</c>; <c>checkpoint-*</c> the spec
    /// folder's name. The file system is not touched.
    /// </summary>
    public static string StudyNameFor(string glob, string specDirectory)
    {
        var segments = glob.Replace('\\', '/').TrimEnd('/').Split('/');
        int wild = Array.FindIndex(segments, s => s.Contains('*') || s.Contains('?'));
        string folder = string.Join('/', segments[..(wild < 0 ? segments.Length - 1 : wild)]);
        if (folder.Length == 0 && glob.StartsWith('/')) folder = "/";
        string full = Path.GetFullPath(folder.Length == 0 ? "." : folder, specDirectory);
        return SanitisedStudyName(Path.GetFileName(Path.TrimEndingDirectorySeparator(full)));
    }

    /// <summary>
    /// <paramref name="name"/> made a valid study name: each run of characters other than letters, digits, '.', '_' and '-'
    /// becomes one '-', and '-' and '.' are trimmed from both ends; <c>study</c> when nothing is left.
    /// </summary>
    public static string SanitisedStudyName(string name)
    {
        var sanitised = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            bool valid = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
            if (valid) sanitised.Append(c);
            else if (sanitised.Length == 0 || sanitised[^1] != '-') sanitised.Append('-');
        }
        string trimmed = sanitised.ToString().Trim('-', '.');
        return trimmed.Length == 0 ? "study" : trimmed;
    }
}
