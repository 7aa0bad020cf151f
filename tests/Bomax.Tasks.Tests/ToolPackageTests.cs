using System.IO.Compression;
using System.Xml.Linq;

namespace Bomax.Tasks.Tests;

/// <summary>
/// Bomax.Ci.Tool as nuget.org and <c>dotnet tool install</c> see it: a pointer package and one package per platform, each
/// under nuget.org's limit and with only the LibTorch its engine loads; installed from a folder feed, the tool starts here
/// (Debian 12: only with the patched glue) and runs the quickstart. In the packages' collection so that its pack never
/// builds the engine at the same time as theirs.
/// </summary>
[Collection(PackedPackageCollection.Name)]
public sealed class ToolPackageTests(PackedTool tool) : IClassFixture<PackedTool>
{
    static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(5);

    static XElement Metadata(ZipArchive zip, string id)
    {
        var nuspec = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open());
        return nuspec.Root!.Element(nuspec.Root.Name.Namespace + "metadata")!;
    }

    static string? Value(XElement metadata, string name) => metadata.Element(metadata.Name.Namespace + name)?.Value;

    static string PackageType(XElement metadata) =>
        (string)metadata.Element(metadata.Name.Namespace + "packageTypes")!.Elements().Single().Attribute("name")!;

    [Fact]
    public void EachPlatformPackageCarriesOnlyTheLibTorchItsEngineLoadsAndStaysUnderNuGetOrgsLimit()
    {
        tool.AssertPacked();
        foreach (var rid in PackedTool.RuntimeIdentifiers)
        {
            var file = new FileInfo(tool.PlatformPackage(rid));
            Assert.True(file.Exists, $"no package for {rid} in {tool.Feed}:\n{tool.Pack}");
            Assert.True(file.Length < LibTorchFiles.NuGetOrgLimitBytes, $"{file.Name} is {file.Length / 1e6:0.0} MB, over nuget.org's 250 MB");
            using var zip = ZipFile.OpenRead(file.FullName);
            var folder = $"tools/net10.0/{rid}/";
            Assert.Equal(new SortedSet<string>(LibTorchFiles.Loaded[rid], StringComparer.Ordinal), LibTorchFiles.In(zip, folder, rid));
            Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("/runtimes/", StringComparison.Ordinal)); // no other platform's files
            Assert.NotNull(zip.GetEntry(folder + "bomax.dll"));
            var settings = XDocument.Load(zip.GetEntry(folder + "DotnetToolSettings.xml")!.Open());
            var command = settings.Descendants("Command").Single();
            // Run through dotnet, not an apphost: one made on Linux for osx-arm64 would be unsigned.
            Assert.Equal(("bomax", "bomax.dll", "dotnet"),
                         ((string?)command.Attribute("Name"), (string?)command.Attribute("EntryPoint"), (string?)command.Attribute("Runner")));
            var metadata = Metadata(zip, $"Bomax.Ci.Tool.{rid}");
            Assert.Equal(("DotnetToolRidPackage", tool.Version), (PackageType(metadata), Value(metadata, "version")));
        }
    }

    [Fact]
    public void TheLinuxPackageCarriesTheGluePatchedToLoadOnDebian12()
    {
        tool.AssertPacked();
        using var zip = ZipFile.OpenRead(tool.PlatformPackage("linux-x64"));
        var packed = LibTorchFiles.Read(zip, "tools/net10.0/linux-x64/libLibTorchSharp.so");
        var original = LibTorchFiles.UnpatchedLinuxGlue();
        const string version = "GLIBCXX_3.4.32";
        Assert.Equal(0, LibTorchFiles.VersionRequirementFlags(original)[version] & 2); // the test would prove nothing otherwise
        Assert.Equal(2, LibTorchFiles.VersionRequirementFlags(packed)[version] & 2);
        // Only that flag changed: the same length, and nothing but one 16-bit field differs.
        Assert.Equal(original.Length, packed.Length);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != packed[i]).ToList();
        Assert.True(differing.Count is 1 or 2 && differing[^1] - differing[0] <= 1, $"{differing.Count} bytes differ from TorchSharp's glue");
    }

    [Fact]
    public void ThePointerPackageNamesEachPlatformPackageAndCarriesTheMetadata()
    {
        tool.AssertPacked();
        var file = new FileInfo(tool.PointerPackage);
        using var zip = ZipFile.OpenRead(file.FullName);
        var metadata = Metadata(zip, "Bomax.Ci.Tool");
        Assert.Equal(("DotnetTool", tool.Version), (PackageType(metadata), Value(metadata, "version")));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Contains("checkpoint", Value(metadata, "description"));
        Assert.NotNull(zip.GetEntry("LICENSE"));
        var settings = XDocument.Load(zip.GetEntry("tools/any/any/DotnetToolSettings.xml")!.Open());
        var platforms = settings.Descendants("RuntimeIdentifierPackage")
            .Select(p => ((string?)p.Attribute("RuntimeIdentifier"), (string?)p.Attribute("Id"))).OrderBy(p => p.Item1).ToList();
        Assert.Equal(PackedTool.RuntimeIdentifiers.Order().Select(rid => ((string?)rid, (string?)$"Bomax.Ci.Tool.{rid}")), platforms);
        Assert.True(file.Length < 1024 * 1024, $"the pointer package is {file.Length} bytes: it should carry no engine");
    }

    [Fact]
    public void TheInstalledToolStartsHereAndRunsTheQuickstart()
    {
        tool.AssertInstalled();
        var help = DotnetProcess.Run(tool.Root, RunLimit, ["--help"], program: tool.Command);
        Assert.True(help.ExitCode == 0, $"bomax --help failed:\n{help}");
        Assert.Contains("run <spec>", help.Output);

        // A copy of samples/quickstart and the table its eval script reads, at 1% of the grid instead of 5%.
        var samples = Path.Combine(tool.Root, "samples");
        foreach (var folder in new[] { "quickstart", "data" })
            foreach (var source in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Samples, folder)))
            {
                var target = Path.Combine(samples, folder, Path.GetFileName(source));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, File.GetUnixFileMode(source));
            }
        var run = DotnetProcess.Run(samples, RunLimit, ["run", "quickstart/study.yml", "--budget", "1%"], program: tool.Command);
        Assert.True(run.ExitCode == 0, $"bomax run of the quickstart failed:\n{run}");
        Assert.Contains("selected: checkpoint-", run.Output);
        Assert.Contains("86 of 8591 pairs evaluated", run.Output);
    }
}
