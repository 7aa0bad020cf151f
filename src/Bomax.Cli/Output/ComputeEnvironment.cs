using System.Text.Json.Nodes;
using Bomax.Engine.Model;

namespace Bomax.Cli.Output;

/// <summary>
/// What a replay's numbers or a report's decision were computed on: the CPU's name and the code paths MKL and LibTorch
/// were told to take (<see cref="TorchDevice.NativeSettings"/>, or what the user set instead). The same build, journal and
/// seed repeat exactly where these are the same (docs/measurements.md#one-machine).
/// </summary>
internal static class ComputeEnvironment
{
    /// <summary>The CPU's name from /proc/cpuinfo; null where there is none (not Linux).</summary>
    public static string? Cpu() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;

    /// <summary><c>{cpu, MKL_CBWR, ATEN_CPU_CAPABILITY}</c>, null where unknown or unset: a replay JSON's <c>native</c>.</summary>
    public static JsonObject Json()
    {
        var native = new JsonObject { ["cpu"] = Cpu() };
        foreach (var name in TorchDevice.NativeVariableNames) native[name] = TorchDevice.NativeVariable(name);
        return native;
    }

    /// <summary>One line for a report: "AMD EPYC; MKL_CBWR=AVX2,STRICT, ATEN_CPU_CAPABILITY=avx2" (unset ones left out).</summary>
    public static string Describe()
    {
        var paths = TorchDevice.NativeVariableNames
            .Select(name => (name, value: TorchDevice.NativeVariable(name)))
            .Where(p => p.value is not null)
            .Select(p => $"{p.name}={p.value}");
        return $"{Cpu() ?? "CPU unknown"}; {string.Join(", ", paths)}";
    }
}
