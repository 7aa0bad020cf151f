using Bomax.Engine.Model;

namespace Bomax.Engine.Tests.Model;

/// <summary>
/// The stretches of LibTorch work run inside no-GC regions, and the runtime starts each region with a minimal collection
/// that only makes room: it marks nothing. A process that does nothing but such stretches (a study's planner, a replay)
/// would so never collect, and its heap would grow with every round (a replay of 1,147 rounds reached 5.9 GiB resident).
/// </summary>
public class NativeCallsTests
{
    const int Stretches = 300;
    const int BytesPerStretch = 1 << 20;

    [Fact]
    public void StretchesThatLeaveGarbageBehindDoNotGrowTheHeapWithoutBound()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        int realCollectionsBefore = RealCollections();
        for (int i = 0; i < Stretches; i++)
            NativeCalls.WithoutCollections(() => Garbage(BytesPerStretch));

        long grown = GC.GetTotalMemory(forceFullCollection: false) - before;
        Assert.True(grown < (long)Stretches * BytesPerStretch / 3,
            $"the heap grew {grown / 1048576.0:0} MiB over {Stretches} stretches that each left {BytesPerStretch / 1048576} MiB of garbage");
        Assert.True(RealCollections() > realCollectionsBefore, "no collection that marks ran between the stretches");
    }

    /// <summary>The index of the latest collection that recorded its work (a region's minimal collection records none).</summary>
    static int RealCollections() => (int)GC.GetGCMemoryInfo(GCKind.Any).Index;

    /// <summary>Small arrays, as a round's managed work leaves them, none of them kept.</summary>
    static int Garbage(int bytes)
    {
        int sum = 0;
        for (int allocated = 0; allocated < bytes; allocated += 8192)
            sum += new byte[8192 - 24].Length;
        return sum;
    }
}
