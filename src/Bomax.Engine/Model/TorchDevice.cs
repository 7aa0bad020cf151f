using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace Bomax.Engine.Model;

/// <summary>Where the engine computes: CUDA when present (<see cref="Auto"/>), the CPU, or CUDA (an error without it).</summary>
public enum ComputeDevice { Auto, Cpu, Cuda }

/// <summary>
/// The one place where the compute device is chosen, and where the native runtime is prepared before
/// its first use. MKL (inside LibTorch's CPU build) picks code paths by memory alignment unless its
/// conditional numerical reproducibility is on, so a replay would not repeat for a seed. MKL and LibTorch's own
/// kernels also pick code paths by the CPU (AVX2 or AVX-512), and a search that chooses among near-equal cells
/// follows those roundings: the same replay on another machine picked differently for some seeds
/// (docs/measurements.md#one-machine; forcing LibTorch's plain kernels here moved Pythia 410m's median regret at
/// 10 % from 3.30 % to 1.87 %). So, unless the user has set them, <see cref="NativeSettings"/> pins both to the
/// AVX2 path on every CPU that has it (AVX2 and FMA). At this engine's sizes that path was as fast as the CPU's own
/// choice on an AVX2 machine, while MKL's oldest path cost a quarter to a half more at 2,000 observations. Elsewhere
/// MKL keeps its own path in strict mode. Results then repeat run to run on one machine. The pin is meant to make
/// them repeat from one AVX2 machine to another too (an AVX-512 one included), but that has been checked on one
/// machine only.
/// Drive the engine from one thread at a time: TorchSharp's implicit Scalars (from `tensor * 0.5`) can be
/// finalised by a garbage collection another thread triggers while a native call still reads them
/// (seen as "Unknown scalar type"); LibTorch parallelises inside each operation instead.
/// </summary>
public static class TorchDevice
{
    static TorchDevice()
    {
        if (OperatingSystem.IsWindows()) return;
        // .NET's own SetEnvironmentVariable does not reach native code on Unix; overwrite 0 keeps what the user set.
        foreach (var (name, value) in NativeSettings) _ = setenv(name, value, 0);
    }

    /// <summary>The native variables the engine sets before LibTorch's first use, unless the user has set them:
    /// MKL_CBWR (MKL's code path, with strict reproducibility) and, where the CPU has AVX2, ATEN_CPU_CAPABILITY
    /// (LibTorch's kernels).</summary>
    public static IReadOnlyList<(string Name, string Value)> NativeSettings { get; } =
        Avx2.IsSupported && Fma.IsSupported ? [(Mkl, "AVX2,STRICT"), (LibTorch, "avx2")] : [(Mkl, "AUTO,STRICT")];

    const string Mkl = "MKL_CBWR", LibTorch = "ATEN_CPU_CAPABILITY";

    /// <summary>The native variables that decide the CPU code paths, whether the engine set them or the user did.</summary>
    public static IReadOnlyList<string> NativeVariableNames { get; } = [Mkl, LibTorch];

    /// <summary>The value native code reads for <paramref name="name"/> (null when unset): what LibTorch and MKL see,
    /// which on Unix is not what <see cref="Environment.GetEnvironmentVariable(string)"/> returns once the engine has set
    /// it.</summary>
    public static string? NativeVariable(string name) => // the static constructor has made the settings by now
        OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(name) : Marshal.PtrToStringUTF8(getenv(name));

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)] // called on Unix only, where Ansi is UTF-8: no best fit
    static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
    static extern IntPtr getenv(string name);

    public static torch.Device Cpu => torch.CPU;

    static int threadsSet;

    /// <summary>Sets LibTorch's intra-op thread count (when it differs from the last one set). Results for a seed depend on it
    /// (summation order).</summary>
    public static void UseThreads(int threads)
    {
        threads = Math.Max(1, threads);
        if (Interlocked.Exchange(ref threadsSet, threads) == threads) return;
        torch.set_num_threads(threads);
    }

    public static torch.Device Resolve(ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => torch.CPU,
        ComputeDevice.Cuda => torch.cuda.is_available()
            ? torch.CUDA
            : throw new InvalidOperationException("device 'cuda' was requested but CUDA is not available "
                + "(build with -p:BomaxTorchBackend=cuda on a machine with an NVIDIA GPU)"),
        _ => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
    };
}
