using System.Globalization;

namespace Bomax.Tasks.Tests;

/// <summary>
/// Bomax.Ci.Tool packed once per test class: <c>dotnet pack src/Bomax.Cli</c> into a temporary folder feed, which makes
/// the pointer package and one package per platform, with a version no earlier run used; then installed from that feed
/// alone into a temporary <c>--tool-path</c>, with a package folder of its own (NUGET_PACKAGES). Everything is deleted at the end.
/// </summary>
public sealed class PackedTool : IDisposable
{
    static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(15);
    static readonly TimeSpan InstallLimit = TimeSpan.FromMinutes(5);

    public static readonly string[] RuntimeIdentifiers = ["linux-x64", "win-x64", "osx-arm64"];

    public string Root { get; } = Directory.CreateTempSubdirectory("bomax-tool-tests-").FullName;
    public string Feed => Path.Combine(Root, "feed");
    public string Packages => Path.Combine(Root, "packages");
    public string ToolPath => Path.Combine(Root, "tools");
    public string Version { get; } =
        "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
    public string PointerPackage => Path.Combine(Feed, $"Bomax.Ci.Tool.{Version}.nupkg");
    public string PlatformPackage(string rid) => Path.Combine(Feed, $"Bomax.Ci.Tool.{rid}.{Version}.nupkg");
    /// <summary>The installed command (the shim dotnet tool install writes).</summary>
    public string Command => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "bomax.exe" : "bomax");
    internal DotnetResult Pack { get; }
    internal DotnetResult? Install { get; }

    public PackedTool()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);
        Pack = DotnetProcess.Run(RepositoryPaths.Root, PackLimit,
            ["pack", RepositoryPaths.CliProject, "-c", RepositoryPaths.Configuration, "-o", Feed, $"-p:PackageVersion={Version}",
             "-nodeReuse:false", "-p:UseSharedCompilation=false", "-tl:off", "-v:m"]);
        if (Pack.ExitCode != 0) return;
        // --add-source with a nuget.config that clears every other source: the feed is the only place it can come from.
        var config = Path.Combine(Root, "nuget.config");
        File.WriteAllText(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /></packageSources></configuration>
            """);
        Install = DotnetProcess.Run(Root, InstallLimit,
            ["tool", "install", "Bomax.Ci.Tool", "--version", Version, "--tool-path", ToolPath, "--configfile", config, "--add-source", Feed],
            Packages);
    }

    public void AssertPacked() =>
        Assert.True(Pack.ExitCode == 0 && File.Exists(PointerPackage), $"dotnet pack failed:\n{Pack}");

    public void AssertInstalled()
    {
        AssertPacked();
        Assert.True(Install is { ExitCode: 0 } && File.Exists(Command), $"dotnet tool install failed:\n{Install}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
