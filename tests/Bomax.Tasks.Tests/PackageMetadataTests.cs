using System.IO.Compression;
using System.Xml.Linq;

namespace Bomax.Tasks.Tests;

/// <summary>
/// The packed Bomax.Ci says what a user of nuget.org needs to know (its licence, its README inside, what it is), and
/// nuget.org takes it: under 250 MB, with only the LibTorch files the engine loads.
/// </summary>
[Collection(PackedPackageCollection.Name)]
public sealed class PackageMetadataTests(PackedPackage package)
{
    [Fact]
    public void ThePackageCarriesItsLicenceReadmeAndDescription()
    {
        Assert.True(package.Pack.ExitCode == 0 && File.Exists(package.PackageFile), $"dotnet pack failed:\n{package.Pack}");
        Assert.DoesNotContain("NU5039", package.Pack.ToString()); // the readme it names is in the package
        using var zip = ZipFile.OpenRead(package.PackageFile);
        var nuspec = XDocument.Load(zip.GetEntry("Bomax.Ci.nuspec")!.Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        var license = metadata.Element(ns + "license")!;
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.Contains("BomaxSelect", metadata.Element(ns + "description")!.Value);
        Assert.Contains("msbuild", metadata.Element(ns + "tags")!.Value);
        Assert.StartsWith("# Bomax.Ci", new StreamReader(zip.GetEntry("README.md")!.Open()).ReadToEnd());
        Assert.Contains("MIT License", new StreamReader(zip.GetEntry("LICENSE")!.Open()).ReadToEnd());
    }

    [Fact]
    public void ThePackageCarriesOnlyTheLibTorchTheEngineLoadsWithThePatchedGlueUnderNuGetOrgsLimit()
    {
        Assert.True(package.Pack.ExitCode == 0 && File.Exists(package.PackageFile), $"dotnet pack failed:\n{package.Pack}");
        var size = new FileInfo(package.PackageFile).Length;
        Assert.True(size < LibTorchFiles.NuGetOrgLimitBytes, $"Bomax.Ci is {size / 1e6:0.0} MB, over nuget.org's 250 MB");
        using var zip = ZipFile.OpenRead(package.PackageFile);
        // The engine payload is linux-x64 only: no other platform's natives, and of linux-x64's only what loads.
        Assert.Equal(["linux-x64"], zip.Entries.Where(e => e.FullName.StartsWith("tools/bomax/runtimes/", StringComparison.Ordinal))
            .Select(e => e.FullName.Split('/')[3]).Distinct());
        Assert.Equal(new SortedSet<string>(LibTorchFiles.Loaded["linux-x64"], StringComparer.Ordinal),
                     LibTorchFiles.In(zip, "tools/bomax/", "linux-x64"));
        var glue = LibTorchFiles.Read(zip, "tools/bomax/runtimes/linux-x64/native/libLibTorchSharp.so");
        Assert.Equal(2, LibTorchFiles.VersionRequirementFlags(glue)["GLIBCXX_3.4.32"] & 2);
    }
}
