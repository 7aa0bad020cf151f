namespace Bomax.Cli.Tests.Action;

/// <summary>
/// Stand-ins for the hosted services behind actions/cache and actions/upload-artifact / download-artifact:
/// folders on disk with the same rules that matter to our workflows — a cache key is written once and never
/// overwritten, restore-keys match by prefix and take the newest entry; artifacts belong to a workflow run,
/// are found by name or by a glob pattern, and several download into a folder each unless merged.
/// </summary>
internal sealed class FakeServices(string root)
{
    readonly string cacheRoot = Path.Combine(root, "cache"), artifactRoot = Path.Combine(root, "artifacts");
    readonly List<string> cacheKeys = []; // in the order saved
    public List<string> Log { get; } = [];

    /// <summary>When set, restoring a missing <c>bomax-tool-*</c> key links this folder (the built bomax) and is a hit.</summary>
    public string? PrebuiltTool { get; set; }

    public IReadOnlyList<string> CacheKeys => cacheKeys;

    static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    public UsesOutcome CacheRestore(RunnerJob job, IReadOnlyDictionary<string, string> with)
    {
        var key = with["key"];
        var paths = Lines(with["path"]).ToList();
        var restoreKeys = Lines(with.GetValueOrDefault("restore-keys", "")).ToList();
        var matched = cacheKeys.Contains(key) ? key
            : restoreKeys.Select(prefix => cacheKeys.LastOrDefault(k => k.StartsWith(prefix, StringComparison.Ordinal)))
                .FirstOrDefault(k => k is not null);
        if (matched is null && PrebuiltTool is not null && key.StartsWith("bomax-tool-", StringComparison.Ordinal))
        {
            var target = Path.GetFullPath(Assert.Single(paths), job.Workspace);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Remove(target);
            Directory.CreateSymbolicLink(target, PrebuiltTool);
            Log.Add($"restore {key}: the prebuilt tool");
            return new UsesOutcome(true,
                new Dictionary<string, string> { ["cache-hit"] = "true", ["cache-primary-key"] = key, ["cache-matched-key"] = key });
        }
        if (matched is null)
        {
            Log.Add($"restore {key}: miss");
            return new UsesOutcome(true, new Dictionary<string, string> { ["cache-hit"] = "false", ["cache-primary-key"] = key },
                $"Cache not found for input keys: {key}\n");
        }
        var stored = Path.Combine(cacheRoot, Sanitise(matched));
        for (int i = 0; i < paths.Count; i++)
        {
            var source = Path.Combine(stored, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var target = Path.GetFullPath(paths[i], job.Workspace);
            if (File.Exists(source)) { Directory.CreateDirectory(Path.GetDirectoryName(target)!); Remove(target); File.Copy(source, target); }
            else if (Directory.Exists(source)) CopyDirectory(source, target);
        }
        Log.Add($"restore {key}: {matched}");
        return new UsesOutcome(true, new Dictionary<string, string>
        {
            ["cache-hit"] = (matched == key).ToString().ToLowerInvariant(), ["cache-primary-key"] = key, ["cache-matched-key"] = matched,
        });
    }

    public UsesOutcome CacheSave(RunnerJob job, IReadOnlyDictionary<string, string> with)
    {
        var key = with["key"];
        var paths = Lines(with["path"]).ToList();
        Assert.NotEmpty(paths);
        if (cacheKeys.Contains(key))
        {
            Log.Add($"save {key}: exists");
            return new UsesOutcome(true, new Dictionary<string, string>(),
                $"::warning::Failed to save: Unable to reserve cache with key {key}, another job may be creating this cache.\n");
        }
        var stored = Path.Combine(cacheRoot, Sanitise(key));
        bool any = false;
        for (int i = 0; i < paths.Count; i++)
        {
            var source = Path.GetFullPath(paths[i], job.Workspace);
            var target = Path.Combine(stored, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(stored);
            if (File.Exists(source)) { File.Copy(source, target); any = true; }
            else if (Directory.Exists(source)) { CopyDirectory(source, target); any = true; }
        }
        if (!any)
        {
            Log.Add($"save {key}: no files");
            return new UsesOutcome(true, new Dictionary<string, string>(),
                "::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.\n");
        }
        cacheKeys.Add(key);
        Log.Add($"save {key}");
        return new UsesOutcome(true, new Dictionary<string, string>());
    }

    public UsesOutcome Upload(RunnerJob job, IReadOnlyDictionary<string, string> with)
    {
        var name = with["name"];
        Assert.False(string.IsNullOrWhiteSpace(name), "upload-artifact needs a name");
        Assert.DoesNotMatch("[\":<>|*?\\\\/\r\n]", name);
        var runId = job.Github["run_id"]!.GetValue<string>();
        var files = Lines(with["path"]).Select(p => Path.GetFullPath(p, job.Workspace))
            .SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : File.Exists(p) ? [p] : [])
            .Distinct().ToList();
        if (files.Count == 0)
            return with.GetValueOrDefault("if-no-files-found", "warn") == "error"
                ? new UsesOutcome(false, new Dictionary<string, string>(), $"##[error]No files were found with the provided path: {with["path"]}. "
                    + $"No artifacts will be uploaded.\n")
                : new UsesOutcome(true, new Dictionary<string, string>(), $"::warning::No files were found with the provided path: {with["path"]}. "
                    + $"No artifacts will be uploaded.\n");
        var target = Path.Combine(artifactRoot, runId, name);
        if (Directory.Exists(target))
        {
            if (with.GetValueOrDefault("overwrite", "false") != "true")
                return new UsesOutcome(false, new Dictionary<string, string>(), $"##[error]Failed to CreateArtifact: an artifact with this name "
                    + $"already exists on the workflow run: {name}\n");
            Directory.Delete(target, recursive: true);
        }
        // As upload-artifact does: the least common ancestor of the files is the artifact's root.
        var common = files.Select(f => Path.GetDirectoryName(f)!).Aggregate(CommonDirectory);
        foreach (var file in files)
        {
            var to = Path.Combine(target, Path.GetRelativePath(common, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        Log.Add($"upload {name} ({files.Count} files)");
        return new UsesOutcome(true, new Dictionary<string, string> { ["artifact-id"] = "1" });
    }

    public UsesOutcome Download(RunnerJob job, IReadOnlyDictionary<string, string> with)
    {
        var runId = with.GetValueOrDefault("run-id") is { Length: > 0 } other ? other : job.Github["run_id"]!.GetValue<string>();
        var store = Path.Combine(artifactRoot, runId);
        var destination = Path.GetFullPath(with.GetValueOrDefault("path", "."), job.Workspace);
        var available = Directory.Exists(store) ? Directory.GetDirectories(store).Select(Path.GetFileName).OfType<string>().ToList() : [];
        if (with.GetValueOrDefault("name") is { Length: > 0 } name)
        {
            if (!available.Contains(name))
                return new UsesOutcome(false, new Dictionary<string, string>(),
                    $"##[error]Unable to download artifact(s): Artifact not found for name: {name}\n");
            CopyDirectory(Path.Combine(store, name), destination);
            return new UsesOutcome(true, new Dictionary<string, string> { ["download-path"] = destination });
        }
        var pattern = with.GetValueOrDefault("pattern", "*");
        var regex = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$");
        bool merge = with.GetValueOrDefault("merge-multiple", "false") == "true";
        var matched = available.Where(a => regex.IsMatch(a)).ToList();
        foreach (var artifact in matched) CopyDirectory(Path.Combine(store, artifact), merge ? destination : Path.Combine(destination, artifact));
        Log.Add($"download {pattern}: {matched.Count}");
        Directory.CreateDirectory(destination);
        return new UsesOutcome(true, new Dictionary<string, string> { ["download-path"] = destination },
            $"Total of {matched.Count} artifact(s) downloaded\n");
    }

    public IReadOnlyList<string> Artifacts(string runId) =>
        Directory.Exists(Path.Combine(artifactRoot, runId))
            ? Directory.GetDirectories(Path.Combine(artifactRoot, runId)).Select(d => Path.GetFileName(d)!).Order().ToList()
            : [];

    public string ArtifactPath(string runId, string name) => Path.Combine(artifactRoot, runId, name);

    static string CommonDirectory(string a, string b)
    {
        while (!(b + "/").StartsWith(a + "/", StringComparison.Ordinal)) a = Path.GetDirectoryName(a)!;
        return a;
    }

    static string Sanitise(string key) => string.Concat(key.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    /// <summary>
    /// Copies a folder as tar would pack and unpack it: symbolic links stay links (a cached tool folder linking to
    /// the tests' own build is not copied byte by byte), and a file already at the target is unlinked first rather
    /// than written through — writing through a link would rewrite shared libraries other processes have mapped.
    /// </summary>
    public static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var to = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                Remove(to);
                var resolved = Path.GetFullPath(link, source);
                if (entry is DirectoryInfo) Directory.CreateSymbolicLink(to, resolved);
                else File.CreateSymbolicLink(to, resolved);
            }
            else if (entry is DirectoryInfo) CopyDirectory(entry.FullName, to);
            else
            {
                Remove(to);
                File.Copy(entry.FullName, to);
            }
        }
    }

    static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists) info.Delete();
        else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}
