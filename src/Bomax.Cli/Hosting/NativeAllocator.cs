using System.Runtime.InteropServices;

namespace Bomax.Cli.Hosting;

/// <summary>
/// How glibc's allocator serves LibTorch's blocks in this long-lived process. By default glibc raises its mmap threshold each
/// time a large block is freed (up to 32 MiB), so blocks of a few MiB come from the heap; a study's matrices grow with its
/// observations every round, a freed block rarely fits the next, larger one, and the heap fragments: a 200 × 40 replay at
/// 10 % grew from 213 MiB resident at round 100 to 431 MiB at round 720 with its live tensors flat. A fixed threshold of
/// <see cref="LargeBlockBytes"/> maps every block from that size up on its own and hands it back when freed: 290 MiB at round
/// 100, 357 MiB at round 720 (the same replay; its rounds cost a few hundredths of a second more for the page faults). Set
/// once at start, before LibTorch allocates; elsewhere than glibc it does nothing (as <c>MALLOC_MMAP_THRESHOLD_</c>, which
/// still wins when set).
/// </summary>
internal static class NativeAllocator
{
    public const int LargeBlockBytes = 1024 * 1024;

    const int MmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    public static void MapLargeBlocksApart()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null) return;
        try { _ = Mallopt(MmapThreshold, LargeBlockBytes); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc (musl): its own policy
    }
}
