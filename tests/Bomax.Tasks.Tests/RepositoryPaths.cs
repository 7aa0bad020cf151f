namespace Bomax.Tasks.Tests;

/// <summary>Where things are in the repository these tests were built from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The directory holding Bomax.Ci.sln, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    public static string TasksProject => Path.Combine(Root, "src", "Bomax.Tasks", "Bomax.Tasks.csproj");
    public static string Sample => Path.Combine(Root, "samples", "msbuild");
    public static string CliProject => Path.Combine(Root, "src", "Bomax.Cli", "Bomax.Cli.csproj");
    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>The configuration the tests were built in; the pack reuses that build of the engine.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bomax.Ci.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Bomax.Ci.sln above {AppContext.BaseDirectory}");
    }
}
