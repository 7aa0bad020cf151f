using System.Globalization;

namespace Bomax.Tasks.Tests;

/// <summary>
/// Bomax.Ci packed once per test run: <c>dotnet pack src/Bomax.Tasks</c> into a temporary folder feed,
/// with a version no earlier run used, restored into a package folder of its own (NUGET_PACKAGES), so a
/// stale package in a cache can never stand in for the code under test. Everything is deleted at the end.
/// </summary>
public sealed class PackedPackage : IDisposable
{
    static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(5);

    public string Root { get; } = Directory.CreateTempSubdirectory("bomax-tasks-tests-").FullName;
    public string Feed => Path.Combine(Root, "feed");
    public string Packages => Path.Combine(Root, "packages");
    public string Version { get; } =
        "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
    public string PackageFile => Path.Combine(Feed, $"Bomax.Ci.{Version}.nupkg");
    internal DotnetResult Pack { get; }

    public PackedPackage()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);
        Pack = DotnetProcess.Run(RepositoryPaths.Root, PackLimit,
            ["pack", RepositoryPaths.TasksProject, "-c", RepositoryPaths.Configuration, "-o", Feed, $"-p:PackageVersion={Version}",
             "-nodeReuse:false", "-p:UseSharedCompilation=false", "-tl:off", "-v:m"]);
    }

    /// <summary>A copy of samples/msbuild in a fresh directory, set up to restore this package from the feed only.</summary>
    public string CopySample()
    {
        Assert.True(Pack.ExitCode == 0 && File.Exists(PackageFile), $"dotnet pack failed:\n{Pack}");
        var directory = Directory.CreateDirectory(Path.Combine(Root, "sample-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Sample, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepositoryPaths.Sample, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" or ".bomax" or "release") continue;
            var target = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="bomax-test-feed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        return directory;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class PackedPackageCollection : ICollectionFixture<PackedPackage>
{
    public const string Name = "packed Bomax.Ci";
}
