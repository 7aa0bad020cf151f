using System.IO.Compression;
using System.Text;

namespace Bomax.Tasks.Tests;

/// <summary>
/// What the packages may carry of LibTorch: the files the engine loads on each platform (build/TorchSharpNatives.targets
/// says how they were found), and a way to tell them among a package's files, by the file names the NuGet packages
/// TorchSharp brings hold for that platform (libtorch-cpu-RID and TorchSharp's runtimes/RID/native).
/// </summary>
internal static class LibTorchFiles
{
    public static readonly IReadOnlyDictionary<string, string[]> Loaded = new Dictionary<string, string[]>
    {
        ["linux-x64"] = ["libLibTorchSharp.so", "libtorch_cpu.so", "libtorch.so", "libc10.so", "libgomp-98b21ff3.so.1"],
        ["win-x64"] = ["LibTorchSharp.dll", "torch_cpu.dll", "c10.dll", "libiomp5md.dll"],
        ["osx-arm64"] = ["libLibTorchSharp.dylib", "libtorch_cpu.dylib", "libtorch.dylib", "libc10.dylib", "libomp.dylib"],
    };

    /// <summary>nuget.org refuses a package over 250 MB.</summary>
    public const long NuGetOrgLimitBytes = 250L * 1024 * 1024;

    static string PackageRoot =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The native file names for <paramref name="rid"/> of every version of libtorch-cpu-RID and TorchSharp in the NuGet cache.</summary>
    public static HashSet<string> Shipped(string rid)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var package in new[] { $"libtorch-cpu-{rid}", "torchsharp" })
        {
            var folder = Path.Combine(PackageRoot, package);
            if (!Directory.Exists(folder)) continue;
            foreach (var version in Directory.EnumerateDirectories(folder))
            {
                var native = Path.Combine(version, "runtimes", rid, "native");
                if (Directory.Exists(native)) names.UnionWith(Directory.EnumerateFiles(native).Select(Path.GetFileName)!);
            }
        }
        Assert.True(names.Count > Loaded[rid].Length, $"the NuGet cache ({PackageRoot}) has no LibTorch for {rid} to compare with");
        return names;
    }

    /// <summary>The LibTorch files (by name) among a package's entries under <paramref name="folder"/>, in any depth.</summary>
    public static SortedSet<string> In(ZipArchive zip, string folder, string rid)
    {
        var shipped = Shipped(rid);
        return new SortedSet<string>(zip.Entries.Where(e => e.FullName.StartsWith(folder, StringComparison.Ordinal) && shipped.Contains(e.Name))
            .Select(e => e.Name), StringComparer.Ordinal);
    }

    /// <summary>The glue as TorchSharp ships it (no version requirement of it weak), from the NuGet cache.</summary>
    public static byte[] UnpatchedLinuxGlue()
    {
        var folder = Path.Combine(PackageRoot, "torchsharp");
        var glue = Directory.EnumerateDirectories(folder).Select(v => Path.Combine(v, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"))
            .FirstOrDefault(File.Exists);
        Assert.True(glue is not null, $"no TorchSharp linux-x64 glue under {folder}");
        return File.ReadAllBytes(glue);
    }

    public static byte[] Read(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(path);
        Assert.True(entry is not null, $"the package has no {path}");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// The flags of every symbol-version requirement (.gnu.version_r Vernaux entries) of a 64-bit little-endian ELF file, by
    /// version name; VER_FLG_WEAK (2) is what build/WeakenSymbolVersion.cs sets on GLIBCXX_3.4.32.
    /// </summary>
    public static Dictionary<string, int> VersionRequirementFlags(byte[] elf)
    {
        const uint shtGnuVerneed = 0x6ffffffe;
        var flags = new Dictionary<string, int>(StringComparer.Ordinal);
        Assert.True(elf.Length > 64 && elf[0] == 0x7f && elf[1] == 'E' && elf[4] == 2 && elf[5] == 1, "not a 64-bit little-endian ELF file");
        long sections = (long)BitConverter.ToUInt64(elf, 0x28);
        int size = BitConverter.ToUInt16(elf, 0x3A), count = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < count; s++)
        {
            int header = (int)(sections + (long)s * size);
            if (BitConverter.ToUInt32(elf, header + 4) != shtGnuVerneed) continue;
            int strings = (int)BitConverter.ToUInt64(elf, (int)(sections + (long)BitConverter.ToUInt32(elf, header + 0x28) * size) + 0x18);
            for (int need = (int)BitConverter.ToUInt64(elf, header + 0x18); ;)
            {
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int a = BitConverter.ToUInt16(elf, need + 2); a > 0; a--)
                {
                    int name = strings + (int)BitConverter.ToUInt32(elf, aux + 8);
                    flags[Encoding.ASCII.GetString(elf, name, Array.IndexOf(elf, (byte)0, name) - name)] = BitConverter.ToUInt16(elf, aux + 4);
                    if (BitConverter.ToUInt32(elf, aux + 12) == 0) break;
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                if (BitConverter.ToUInt32(elf, need + 12) == 0) break;
                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }
        return flags;
    }
}
