using System.IO.Compression;
using System.Xml.Linq;

namespace Bomax.Tasks.Tests;

/// <summary>The packed Bomax.Ci says what a user of nuget.org needs to know: its licence, its README inside, what it is.</summary>
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
}
