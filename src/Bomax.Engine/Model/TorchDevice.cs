using System.Runtime.InteropServices;
using TorchSharp;

namespace Bomax.Engine.Model;

/// <summary>Where the engine computes: CUDA when present (<see cref="Auto"/>), the CPU, or CUDA (an error without it).</summary>
public enum ComputeDevice { Auto, Cpu, Cuda }

/// <summary>
/// The one place where the compute device is chosen, and where the native runtime is prepared before
/// its first use: MKL (inside LibTorch's CPU build) picks code paths by memory alignment unless its
/// conditional numerical reproducibility is on, so a replay would not repeat for a seed. Setting
/// MKL_CBWR (when the user has not) makes results repeat run to run on one machine at full speed.
/// Drive the engine from one thread at a time: TorchSharp's implicit Scalars (from `tensor * 0.5`) can be
/// finalised by a garbage collection another thread triggers while a native call still reads them
/// (seen as "Unknown scalar type"); LibTorch parallelises inside each operation instead.
/// </summary>
public static class TorchDevice
{
    static TorchDevice()
    {
        if (Environment.GetEnvironmentVariable("MKL_CBWR") is null && !OperatingSystem.IsWindows())
            _ = setenv("MKL_CBWR", "AUTO,STRICT", 0); // .NET's own SetEnvironmentVariable does not reach native code on Unix
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)] // called on Unix only, where Ansi is UTF-8: no best fit
    static extern int setenv(string name, string value, int overwrite);

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
