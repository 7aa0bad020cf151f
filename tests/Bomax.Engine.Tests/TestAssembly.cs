using System.Runtime.CompilerServices;
using Bomax.Engine.Model;

// The engine is driven from one thread at a time (see TorchDevice): TorchSharp's implicit Scalars can be
// finalised by a collection another thread triggers while a native call still reads them. Test classes
// therefore run one after another, and LibTorch uses one thread, which is also faster when both test
// projects share CI's two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Bomax.Engine.Tests;

static class TestAssembly
{
    [ModuleInitializer]
    internal static void UseOneTorchThread() => TorchDevice.UseThreads(1);
}
