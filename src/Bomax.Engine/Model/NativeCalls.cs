using System.Runtime;

namespace Bomax.Engine;

/// <summary>
/// Runs a stretch of LibTorch work with the garbage collector held off. TorchSharp creates Scalars
/// implicitly (the <c>alpha</c> of every <c>add</c>, softplus's <c>beta</c>, …) and leaves them to the
/// finaliser; nothing references one while its native call runs, so a collection at that moment can
/// free it mid-call. A replay of a 242 × 65 table crashed that way ("Expected false to be true …
/// toDouble") within a minute. Collections happen before and after each stretch instead, when no
/// native call is in flight. If the stretch allocates more than the region allows, the runtime collects
/// anyway (the old behaviour); the region only ever makes the window smaller.
/// </summary>
public static class NativeCalls
{
    const long RegionBytes = 192L * 1024 * 1024;

    public static T WithoutCollections<T>(Func<T> work)
    {
        bool started = false;
        try { started = GC.TryStartNoGCRegion(RegionBytes); }
        catch (InvalidOperationException) { } // already inside a region (a nested call)
        catch (ArgumentOutOfRangeException) { }
        try { return work(); }
        finally
        {
            if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                try { GC.EndNoGCRegion(); } catch (InvalidOperationException) { }
            }
        }
    }
}
