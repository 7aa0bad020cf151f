namespace Bomax.Cli.Tests;

/// <summary>Files of this repository that tests read: found from the test binary's folder upwards (the folder holding Bomax.Ci.sln).</summary>
internal static class RepositoryPaths
{
    static readonly Lazy<string> root = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bomax.Ci.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException($"no directory above {AppContext.BaseDirectory} contains Bomax.Ci.sln");
    });

    /// <summary>The repository's root folder.</summary>
    public static string Root => root.Value;

    /// <summary>The path of a real lm-evaluation-harness result file under tests/Bomax.Cli.Tests/Evaluation/Fixtures/lm-eval.</summary>
    public static string LmEvalFixture(string name) =>
        Path.Combine(Root, "tests", "Bomax.Cli.Tests", "Evaluation", "Fixtures", "lm-eval", name);
}
