using System.Runtime;

namespace Bomax.Engine.Model;

/// <summary>
/// Runs a stretch of LibTorch work with the garbage collector held off. TorchSharp creates Scalars
/// implicitly (the <c>alpha</c> of every <c>add</c>, softplus's <c>beta</c>, …) and leaves them to the
/// finaliser; nothing references one while its native call runs, so a collection at that moment can
/// free it mid-call. A replay of a 242 × 65 table crashed that way ("Expected false to be true …
/// toDouble") within a minute. Collections happen before and after each stretch instead, when no
/// native call is in flight. If the stretch allocates more than the region allows, the runtime collects
/// anyway (the old behaviour); the region only ever makes the window smaller.
/// The region is sized by what stretches have allocated so far (twice the most, at least
/// <see cref="SmallestRegion"/>), not a fixed large size: every region the collector must make room for
/// stays committed, and a fixed 192 MiB region grew a 720-round replay from 406 to 1,243 MiB resident
/// while its stretches allocated at most 6 MiB each (16 MiB regions: 362 to 434 MiB by round 320; none:
/// 214 to 265 MiB).
/// The runtime starts each region with a minimal collection that only makes room and marks nothing, so a process
/// that spends its time in stretches would never collect: a replay's heap grew by what each round left behind
/// (1,147 rounds, 5.9 GiB resident). So a stretch first collects, outside any region, once the heap has grown by
/// <see cref="CollectionGrowth"/> or by what it held after the last collection, whichever is more.
/// </summary>
public static class NativeCalls
{
    public const long SmallestRegion = 8L * 1024 * 1024;
    const long LargestRegion = 192L * 1024 * 1024;

    /// <summary>The least growth of the heap that a stretch collects for before it starts.</summary>
    public const long CollectionGrowth = 32L * 1024 * 1024;

    /// <summary>The heap's size after the latest collection a stretch ran.</summary>
    static long heapAfterCollection;

    /// <summary>The most managed memory one stretch has allocated in this process.</summary>
    static long mostAllocated;

    /// <summary>The region the next stretch asks for.</summary>
    public static long RegionBytes => Math.Clamp(2 * Interlocked.Read(ref mostAllocated), SmallestRegion, LargestRegion);

    public static T WithoutCollections<T>(Func<T> work)
    {
        CollectIfGrown();
        bool started = false;
        try { started = GC.TryStartNoGCRegion(RegionBytes); }
        catch (InvalidOperationException) { } // already inside a region (a nested call)
        catch (ArgumentOutOfRangeException) { }
        long before = GC.GetAllocatedBytesForCurrentThread();
        try { return work(); }
        finally
        {
            if (started)
            {
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > Interlocked.Read(ref mostAllocated)) Interlocked.Exchange(ref mostAllocated, allocated);
                if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                {
                    try { GC.EndNoGCRegion(); } catch (InvalidOperationException) { }
                }
            }
        }
    }

    /// <summary>Collects, blocking, when the heap has grown past what <see cref="CollectionGrowth"/> allows since the
    /// latest collection; never inside a region (a nested stretch, or another thread's).</summary>
    static void CollectIfGrown()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return;
        long after = Interlocked.Read(ref heapAfterCollection);
        if (GC.GetTotalMemory(forceFullCollection: false) - after < Math.Max(CollectionGrowth, after)) return;
        GC.Collect();
        Interlocked.Exchange(ref heapAfterCollection, GC.GetTotalMemory(forceFullCollection: false));
    }
}
