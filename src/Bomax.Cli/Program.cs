using Bomax.Cli.Commands;
using Bomax.Cli.GitHub;
using Bomax.Cli.Hosting;
using Bomax.Cli.Output;

// Everything printed passes one guard: credentials removed, and under Actions no line a name or an API's text
// produced can start a workflow command.
OutputGuard.Install();
// LibTorch's growing matrices would fragment glibc's heap over a long study (see NativeAllocator).
NativeAllocator.MapLargeBlocksApart();

return await BomaxCommand.InvokeAsync(args, Terminal.Console);
