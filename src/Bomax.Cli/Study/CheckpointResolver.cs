using System.Globalization;
using System.Text.RegularExpressions;

namespace Bomax.Cli.Study;

/// <summary>A checkpoint of the study: its name (file or directory name), its path and its training step.</summary>
/// <param name="Path">
/// Absolute for a glob match and for a list entry that is an absolute path or exists beside the spec;
/// otherwise the list entry as written (a name the eval command resolves, e.g. a model on a hub).
/// </param>
internal sealed record ResolvedCheckpoint(string Name, string Path, long Step);

/// <summary>The outcome of resolving <c>checkpoints:</c>: the checkpoints ordered by step, or every problem found.</summary>
internal abstract record ResolveResult
{
    private ResolveResult() { }

    public sealed record Ok(IReadOnlyList<ResolvedCheckpoint> Checkpoints) : ResolveResult;
    public sealed record Invalid(IReadOnlyList<SpecError> Errors) : ResolveResult;
}

/// <summary>
/// Turns a spec's <c>checkpoints:</c> into checkpoints. <c>glob:</c> is taken relative to the spec's
/// directory and matches files and directories (a trailing '/' matches directories only); its segments
/// may hold '*' (any characters but '/') and '?' (one character), and a segment '**' matches any number
/// of directories. <c>list:</c> entries are names or paths and need not exist. The step of a checkpoint
/// is the last run of digits in its name, or the first capture group of <c>step:</c> applied to the name.
/// </summary>
internal static class CheckpointResolver
{
    public static ResolveResult Resolve(StudySpec spec) =>
        Resolve(spec.Checkpoints, spec.SpecPath, spec.SpecDirectory);

    /// <summary>Resolves <paramref name="checkpoints"/> for a spec at <paramref name="specPath"/> in <paramref name="specDirectory"/>.</summary>
    public static ResolveResult Resolve(CheckpointSpec checkpoints, string specPath, string specDirectory)
    {
        var errors = new List<SpecError>();
        void Error(SourcePosition at, string field, string message) =>
            errors.Add(new SpecError(specPath, at.Line, at.Column, field, message));

        Regex? stepRegex = null;
        var stepAt = checkpoints.StepPosition ?? checkpoints.Position;
        if (checkpoints.StepPattern is { } pattern && SpecReader.CheckCapturePattern(pattern, out stepRegex) is { } problem)
        {
            Error(stepAt, "checkpoints.step", problem);
            return new ResolveResult.Invalid(errors);
        }

        // (name, path, where an error about it points, its field)
        var candidates = new List<(string Name, string Path, SourcePosition At, string Field)>();
        if (checkpoints.Glob is { } glob && checkpoints.List is null)
        {
            var at = checkpoints.GlobPosition ?? checkpoints.Position;
            string absolutePattern = System.IO.Path.GetFullPath(glob, specDirectory);
            var matches = Glob.Match(glob, specDirectory, out string? missingDirectory);
            if (matches.Count == 0)
            {
                string why = missingDirectory is not null ? $" (the directory {missingDirectory} does not exist)" : "";
                Error(at, "checkpoints.glob", $"no file or directory matches {absolutePattern}{why}");
                return new ResolveResult.Invalid(errors);
            }
            foreach (string path in matches)
                candidates.Add((NameOf(path), path, at, "checkpoints.glob"));
        }
        else if (checkpoints.List is { } list && checkpoints.Glob is null)
        {
            for (int i = 0; i < list.Count; i++)
            {
                string entry = list[i];
                var at = checkpoints.ListPositions is { } positions && i < positions.Count ? positions[i] : checkpoints.Position;
                candidates.Add((NameOf(entry), PathOf(entry, specDirectory), at, $"checkpoints.list[{i}]"));
            }
        }
        else
        {
            Error(checkpoints.Position, "checkpoints",
                "needs exactly one of glob: (a pattern of checkpoint files or directories) or list: (checkpoint names or paths)");
            return new ResolveResult.Invalid(errors);
        }

        var resolved = new List<(ResolvedCheckpoint Checkpoint, SourcePosition At, string Field)>();
        foreach (var (name, path, at, field) in candidates)
        {
            string? stepProblem = stepRegex is null
                ? LastDigits(name, out long step)
                : Captured(stepRegex, name, out step);
            if (stepProblem is not null)
            {
                Error(stepRegex is null ? at : stepAt, stepRegex is null ? field : "checkpoints.step",
                    stepRegex is null ? stepProblem : $"{stepProblem} (from {path})");
                continue;
            }
            resolved.Add((new ResolvedCheckpoint(name, path, step), at, field));
        }

        var byStep = new Dictionary<long, ResolvedCheckpoint>();
        foreach (var (checkpoint, at, field) in resolved)
        {
            if (byStep.TryGetValue(checkpoint.Step, out var other))
                Error(at, field, $"'{other.Path}' and '{checkpoint.Path}' both have step {checkpoint.Step}: "
                                 + "every checkpoint needs its own step (use step: to say where the step is in the name)");
            else
                byStep[checkpoint.Step] = checkpoint;
        }

        if (errors.Count > 0)
            return new ResolveResult.Invalid(errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());
        return new ResolveResult.Ok(resolved.Select(r => r.Checkpoint)
            .OrderBy(c => c.Step).ToList());
    }

    /// <summary>The last path segment of a path or name, ignoring trailing separators.</summary>
    private static string NameOf(string path)
    {
        string trimmed = path.TrimEnd('/', System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
        string name = System.IO.Path.GetFileName(trimmed);
        return name.Length > 0 ? name : trimmed;
    }

    /// <summary>
    /// A list entry's path: absolute when it is rooted or exists beside the spec; otherwise as written
    /// (a name such as a hub model id, which the eval command resolves itself).
    /// </summary>
    private static string PathOf(string entry, string specDirectory)
    {
        if (System.IO.Path.IsPathRooted(entry)) return System.IO.Path.GetFullPath(entry);
        string full = System.IO.Path.GetFullPath(entry, specDirectory);
        return File.Exists(full) || Directory.Exists(full) ? full : entry;
    }

    /// <summary>The step as the last run of ASCII digits in <paramref name="name"/>; null, or why not.</summary>
    internal static string? LastDigits(string name, out long step)
    {
        step = 0;
        int end = name.Length - 1;
        while (end >= 0 && !char.IsAsciiDigit(name[end])) end--;
        if (end < 0)
            return $"'{name}' has no step number: expected digits in the name (e.g. checkpoint-1400), or give step: a regex that finds it";
        int start = end;
        while (start > 0 && char.IsAsciiDigit(name[start - 1])) start--;
        string digits = name[start..(end + 1)];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out step))
            return $"'{name}' has a step number too large: {digits}";
        return null;
    }

    private static string? Captured(Regex regex, string name, out long step)
    {
        step = 0;
        Match match;
        try
        {
            match = regex.Match(name);
        }
        catch (RegexMatchTimeoutException)
        {
            return $"the pattern '{regex}' took too long on '{name}'";
        }
        if (!match.Success || !match.Groups[1].Success)
            return $"the pattern '{regex}' does not find a step in '{name}'";
        string captured = match.Groups[1].Value;
        if (!long.TryParse(captured, NumberStyles.None, CultureInfo.InvariantCulture, out step))
            return $"the pattern '{regex}' captured '{captured}' in '{name}', which is not a step number";
        return null;
    }

    /// <summary>A small glob matcher over the file system: '*', '?' within a segment, '**' across directories.</summary>
    internal static class Glob
    {
        /// <summary>
        /// The absolute paths matching <paramref name="pattern"/> (relative to <paramref name="baseDirectory"/>),
        /// sorted; <paramref name="missingDirectory"/> names the deepest fixed directory of the pattern when it does not exist.
        /// </summary>
        public static IReadOnlyList<string> Match(string pattern, string baseDirectory, out string? missingDirectory)
        {
            missingDirectory = null;
            string normalised = pattern.Replace('\\', '/');
            bool directoriesOnly = normalised.EndsWith('/');
            string full = System.IO.Path.GetFullPath(pattern, baseDirectory).Replace('\\', '/');
            // The part of the pattern before its first wildcard segment is a plain directory.
            string[] segments = full.Split('/');
            int firstWild = Array.FindIndex(segments, HasWildcard);
            if (firstWild < 0)
            {
                string path = full.TrimEnd('/');
                if (path.Length == 0) path = "/";
                bool exists = directoriesOnly ? Directory.Exists(path) : Directory.Exists(path) || File.Exists(path);
                if (!exists)
                {
                    string? parent = System.IO.Path.GetDirectoryName(path);
                    if (parent is not null && !Directory.Exists(parent)) missingDirectory = parent;
                }
                return exists ? [System.IO.Path.GetFullPath(path)] : [];
            }
            string root = string.Join('/', segments[..firstWild]);
            if (root.Length == 0) root = "/";
            root = System.IO.Path.GetFullPath(root);
            if (!Directory.Exists(root))
            {
                missingDirectory = root;
                return [];
            }
            var rest = segments[firstWild..].Where(s => s.Length > 0).ToArray();
            var results = new SortedSet<string>(StringComparer.Ordinal);
            Walk(root, rest, 0, directoriesOnly, results);
            return results.ToList();
        }

        private static bool HasWildcard(string segment) => segment.Contains('*') || segment.Contains('?');

        private static void Walk(string directory, string[] segments, int index, bool directoriesOnly, SortedSet<string> results)
        {
            bool last = index == segments.Length - 1;
            string segment = segments[index];
            if (segment == "**")
            {
                if (last)
                {
                    // A trailing '**' matches everything below.
                    foreach (var entry in Entries(directory, directoriesOnly: false))
                    {
                        if (!directoriesOnly || entry.IsDirectory) results.Add(entry.Path);
                        if (entry.IsDirectory && !entry.IsLink) Walk(entry.Path, segments, index, directoriesOnly, results);
                    }
                    return;
                }
                // Zero directories, then one more and '**' again.
                Walk(directory, segments, index + 1, directoriesOnly, results);
                foreach (var entry in Entries(directory, directoriesOnly: true))
                    if (!entry.IsLink) Walk(entry.Path, segments, index, directoriesOnly, results);
                return;
            }

            if (!HasWildcard(segment))
            {
                string path = System.IO.Path.Combine(directory, segment);
                if (last)
                {
                    if (Directory.Exists(path) || (!directoriesOnly && File.Exists(path))) results.Add(path);
                }
                else if (Directory.Exists(path))
                {
                    Walk(path, segments, index + 1, directoriesOnly, results);
                }
                return;
            }

            var regex = SegmentRegex(segment);
            foreach (var entry in Entries(directory, directoriesOnly: !last || directoriesOnly))
            {
                if (!regex.IsMatch(System.IO.Path.GetFileName(entry.Path))) continue;
                if (last) results.Add(entry.Path);
                else Walk(entry.Path, segments, index + 1, directoriesOnly, results);
            }
        }

        private static IEnumerable<(string Path, bool IsDirectory, bool IsLink)> Entries(string directory, bool directoriesOnly)
        {
            IEnumerable<FileSystemInfo> infos;
            try
            {
                infos = new DirectoryInfo(directory).EnumerateFileSystemInfos().ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                yield break;
            }
            foreach (var info in infos)
            {
                bool isLink = info.LinkTarget is not null;
                bool isDirectory = info is DirectoryInfo || (isLink && Directory.Exists(info.FullName));
                if (directoriesOnly && !isDirectory) continue;
                yield return (info.FullName, isDirectory, isLink);
            }
        }

        /// <summary>'*' is any run of characters, '?' one character; the rest is literal.</summary>
        internal static Regex SegmentRegex(string segment)
        {
            var builder = new System.Text.StringBuilder("^");
            foreach (char c in segment)
            {
                builder.Append(c switch
                {
                    '*' => ".*",
                    '?' => ".",
                    _ => Regex.Escape(c.ToString()),
                });
            }
            builder.Append('$');
            return new Regex(builder.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
    }
}
