// MSBuild inline task (RoslynCodeTaskFactory): marks named symbol-version requirements of an ELF
// shared library as weak (VER_FLG_WEAK in .gnu.version_r), so the dynamic loader accepts a system
// libstdc++ that lacks that version. TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32
// (GCC 13) for one symbol it never binds; Debian 12 and Ubuntu 22.04 ship GCC 12's libstdc++.
// The patched bytes go to a new file that is renamed over the copy, so a hard link into the NuGet
// cache can never carry the change back there.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenSymbolVersion : Task
{
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Versions { get; set; } = "";

    public override bool Execute()
    {
        var versions = Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim()).ToArray();
        foreach (var item in Libraries)
        {
            var path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try
            {
                var bytes = File.ReadAllBytes(path);
                var changed = ElfVersionNeeds.MarkWeak(bytes, versions);
                if (changed == 0) continue;
                var temporary = path + ".weak-" + Guid.NewGuid().ToString("N");
                File.WriteAllBytes(temporary, bytes);
                File.Replace(temporary, path, null);
                Log.LogMessage(MessageImportance.Low, "Marked {0} version requirement(s) weak in {1}", changed, path);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogWarning(null, "BMX0001", null, path, 0, 0, 0, 0, "could not patch {0}: {1}", path, e.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }
}

public static class ElfVersionNeeds
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    /// <summary>Sets VER_FLG_WEAK on every Vernaux entry whose name is in <paramref name="versions"/>;
    /// returns how many entries changed (0 when already weak, absent, or not a 64-bit little-endian ELF).</summary>
    public static int MarkWeak(byte[] elf, string[] versions)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F') return 0;
        if (elf[4] != 2 || elf[5] != 1) return 0; // ELFCLASS64, little-endian only
        long sectionOffset = (long)BitConverter.ToUInt64(elf, 0x28);
        int sectionSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionOffset + (long)s * sectionSize;
            if (header + 64 > elf.Length) throw new InvalidDataException("section header beyond end of file");
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            long stringsHeader = sectionOffset + (long)link * sectionSize;
            long strings = (long)BitConverter.ToUInt64(elf, (int)stringsHeader + 0x18);
            long need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < count; a++)
                {
                    string name = ReadString(elf, strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    if (Array.IndexOf(versions, name) >= 0 && (flags & VerFlagWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                        changed++;
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return changed;
    }

    static string ReadString(byte[] elf, long at)
    {
        long end = at;
        while (end < elf.Length && elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)at, (int)(end - at));
    }
}
