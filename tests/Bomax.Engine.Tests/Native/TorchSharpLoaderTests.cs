using System.Diagnostics;
using System.Text.RegularExpressions;
using TorchSharp;

namespace Bomax.Engine.Tests.Native;

/// <summary>
/// The GLIBCXX fix: TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32, which GCC 12's
/// libstdc++ lacks; the build marks that requirement weak in the copy in the output (never in the NuGet
/// cache). Checked with readelf, through a real tensor operation, and on the patcher itself.
/// </summary>
public partial class TorchSharpLoaderTests
{
    const string Version = "GLIBCXX_3.4.32";

    static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    static string CacheOriginal
    {
        get
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }
    }

    [GeneratedRegex(@"Name:\s+(\S+)\s+Flags:\s+(.+?)\s+Version:\s+(\d+)")]
    private static partial Regex VersionNeedLine();

    /// <summary>The version requirements (.gnu.version_r) of an ELF file as readelf prints them: name → flags.</summary>
    static Dictionary<string, string> VersionNeeds(string path)
    {
        var start = new ProcessStartInfo("readelf") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-V", "--wide", path }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"readelf -V --wide {path}: {error.Result}");
        var needs = new Dictionary<string, string>();
        foreach (Match match in VersionNeedLine().Matches(output))
            needs[match.Groups[1].Value] = match.Groups[2].Value.Trim();
        Assert.NotEmpty(needs);
        return needs;
    }

    static byte[] OriginalBytes()
    {
        Assert.True(File.Exists(CacheOriginal), $"{CacheOriginal} is missing (restore the TorchSharp package)");
        return File.ReadAllBytes(CacheOriginal);
    }

    static string WriteTemporary(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void TheCopyInTheOutputHasItsGlibcxx3432RequirementMarkedWeak()
    {
        Assert.True(File.Exists(OutputCopy), OutputCopy);
        var needs = VersionNeeds(OutputCopy);
        Assert.Equal("WEAK", needs[Version]);
    }

    [Fact]
    public void TheOriginalInTheNuGetCacheIsUntouched()
    {
        Assert.True(File.Exists(CacheOriginal), CacheOriginal);
        var needs = VersionNeeds(CacheOriginal);
        Assert.Equal("none", needs[Version]);
    }

    [Fact]
    public void OnlyTheOneRequirementDiffersBetweenOriginalAndCopy()
    {
        var original = VersionNeeds(CacheOriginal);
        var copy = VersionNeeds(OutputCopy);
        Assert.Equal(original.Keys.Order(), copy.Keys.Order());
        Assert.Equal(original.Where(n => n.Key != Version), copy.Where(n => n.Key != Version));
    }

    [Fact]
    public void TorchSharpLoadsAndFactorsA3x3Matrix()
    {
        // A = L Lᵀ with L = [[2, 0, 0], [1, 3, 0], [−1, 1, √3]].
        var a = torch.tensor(new double[] { 4, 2, -2, 2, 10, 2, -2, 2, 5 }, dtype: torch.float64).reshape(3, 3);
        var l = torch.linalg.cholesky(a);
        var values = l.data<double>().ToArray();
        var expected = new[] { 2, 0, 0, 1, 3, 0, -1, 1, Math.Sqrt(3) };
        Assert.Equal(expected.Length, values.Length);
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], values[k], 1e-12);
        Assert.Equal(torch.ScalarType.Float64, l.dtype);
    }

    [Fact]
    public void MarkWeakSetsTheFlagOnceAndLeavesTheOtherRequirementsAlone()
    {
        var bytes = OriginalBytes();
        var before = VersionNeeds(CacheOriginal);
        Assert.Equal("none", before[Version]);

        Assert.Equal(1, ElfVersionNeeds.MarkWeak(bytes, new[] { Version }));
        var patched = WriteTemporary(bytes);
        try
        {
            var after = VersionNeeds(patched);
            Assert.Equal("WEAK", after[Version]);
            Assert.Equal(before.Where(n => n.Key != Version), after.Where(n => n.Key != Version));
            Assert.Equal(before.Where(n => n.Value == "none").Select(n => n.Key).Where(n => n != Version).Order(),
                after.Where(n => n.Value == "none").Select(n => n.Key).Order());
        }
        finally { File.Delete(patched); }

        // One byte changed (the low byte of the Vernaux flags): nothing else in the library moved.
        var original = OriginalBytes();
        Assert.Equal(original.Length, bytes.Length);
        Assert.Equal(1, Enumerable.Range(0, bytes.Length).Count(k => bytes[k] != original[k]));

        // The same bytes again: already weak.
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(bytes, new[] { Version }));
    }

    [Fact]
    public void MarkWeakIgnoresVersionsTheLibraryDoesNotNeed()
    {
        var bytes = OriginalBytes();
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(bytes, new[] { "GLIBCXX_9.9.99", "" }));
        Assert.Equal(OriginalBytes(), bytes);
    }

    [Fact]
    public void MarkWeakMarksEveryNamedVersion()
    {
        var bytes = OriginalBytes();
        var before = VersionNeeds(CacheOriginal);
        var notWeak = before.Where(n => n.Value == "none").Select(n => n.Key).Where(n => n.StartsWith("GLIBCXX_")).ToArray();
        Assert.True(notWeak.Length >= 2, string.Join(",", notWeak));
        Assert.Equal(notWeak.Length, ElfVersionNeeds.MarkWeak(bytes, notWeak));
        var patched = WriteTemporary(bytes);
        try
        {
            var after = VersionNeeds(patched);
            Assert.All(notWeak, name => Assert.Equal("WEAK", after[name]));
            Assert.Equal(before.Where(n => !notWeak.Contains(n.Key)), after.Where(n => !notWeak.Contains(n.Key)));
        }
        finally { File.Delete(patched); }
    }

    [Fact]
    public void MarkWeakLeavesNonElfBytesAlone()
    {
        var text = System.Text.Encoding.ASCII.GetBytes(new string('x', 200));
        var copy = text.ToArray();
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(text, new[] { Version }));
        Assert.Equal(copy, text);
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(Array.Empty<byte>(), new[] { Version }));
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, new[] { Version }));
    }

    [Fact]
    public void MarkWeakRejectsATruncatedLibraryWithInvalidData()
    {
        // The section headers sit at the end of the file: cut it and they point past the end.
        var truncated = OriginalBytes().AsSpan(0, 1 << 20).ToArray();
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.MarkWeak(truncated, new[] { Version }));
    }

    [Fact]
    public void MarkWeakLeaves32BitAndBigEndianElfAlone()
    {
        var thirtyTwo = OriginalBytes();
        thirtyTwo[4] = 1; // ELFCLASS32
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(thirtyTwo, new[] { Version }));
        var bigEndian = OriginalBytes();
        bigEndian[5] = 2; // ELFDATA2MSB
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(bigEndian, new[] { Version }));
    }
}
