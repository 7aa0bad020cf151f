using System.Reflection;
using System.Runtime.InteropServices;
using Bomax.Cli.Commands;
using Bomax.Cli.GitHub;
using Bomax.Cli.Hosting;
using Bomax.Cli.Output;

// Everything printed passes one guard: credentials removed, and under Actions no line a name or an API's text
// produced can start a workflow command.
OutputGuard.Install();
// Where LibTorch does not exist, the first fit would fail with a loader error deep into a study: say so at once.
if (TorchPlatform.Unsupported() is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return ExitCodes.UsageError;
}
// LibTorch's growing matrices would fragment glibc's heap over a long study (see NativeAllocator).
NativeAllocator.MapLargeBlocksApart();

return await BomaxCommand.InvokeAsync(args, Terminal.Console);

/// <summary>The platforms this build has LibTorch for (BomaxTorchRuntimeIdentifiers, written into the assembly by the build).</summary>
static class TorchPlatform
{
    /// <summary>Why bomax cannot run here, or null when this machine is one of the platforms it was built with LibTorch for.</summary>
    public static string? Unsupported()
    {
        var supported = typeof(TorchPlatform).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BomaxTorchRuntimeIdentifiers")?.Value?.Split(';', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var here = Current();
        if (supported.Length == 0 || supported.Contains(here, StringComparer.Ordinal)) return null;
        return $"bomax: this platform is {here}, and the LibTorch that bomax fits its model with is not built for it; "
            + $"bomax runs on {string.Join(", ", supported)}.";
    }

    /// <summary>This machine as a portable runtime identifier (linux-x64, osx-arm64, linux-musl-x64, …), whatever the runtime's
    /// own build calls it (a distribution's .NET may say ubuntu.24.04-x64).</summary>
    static string Current()
    {
        string os = OperatingSystem.IsWindows() ? "win"
            : OperatingSystem.IsMacOS() ? "osx"
            : OperatingSystem.IsLinux() ? (RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal) ? "linux-musl" : "linux")
            : RuntimeInformation.OSDescription.Split(' ')[0].ToLowerInvariant();
        return $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
    }
}
