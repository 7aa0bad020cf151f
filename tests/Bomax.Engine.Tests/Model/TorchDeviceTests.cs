using System.Runtime.Intrinsics.X86;
using Bomax.Engine.Model;

namespace Bomax.Engine.Tests.Model;

/// <summary>
/// The native code paths the engine pins before LibTorch's first use (docs/measurements.md#one-machine): what MKL and
/// LibTorch read through the C library, not .NET's copy of the environment, which on Unix never sees the engine's setenv.
/// </summary>
public class TorchDeviceTests
{
    [Fact]
    public void NativeCodeReadsThePinnedPathsWhereTheUserSetNone()
    {
        if (OperatingSystem.IsWindows()) return; // the engine sets nothing there
        foreach (var (name, value) in TorchDevice.NativeSettings)
        {
            // .NET's copy is the environment the test process started with: the user's setting, if any, is what must stay.
            string expected = Environment.GetEnvironmentVariable(name) ?? value;
            Assert.Equal(expected, TorchDevice.NativeVariable(name));
        }
    }

    [Fact]
    public void AnAvx2MachineRunsMklAndLibTorchOnTheAvx2PathElseMklStrictOnItsOwn()
    {
        var settings = TorchDevice.NativeSettings.ToDictionary(s => s.Name, s => s.Value);
        if (Avx2.IsSupported && Fma.IsSupported)
        {
            Assert.Equal("AVX2,STRICT", settings["MKL_CBWR"]);
            Assert.Equal("avx2", settings["ATEN_CPU_CAPABILITY"]);
        }
        else
        {
            Assert.Equal("AUTO,STRICT", settings["MKL_CBWR"]);
            Assert.False(settings.ContainsKey("ATEN_CPU_CAPABILITY")); // "avx2" on a CPU without it would fault
        }
        Assert.All(settings.Keys, name => Assert.Contains(name, TorchDevice.NativeVariableNames));
    }
}
