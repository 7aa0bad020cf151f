using System.CommandLine;

namespace Bomax.Cli.Output;

/// <summary>
/// Where a command writes: results on <see cref="Out"/>, messages for people on <see cref="Error"/>. Commands take one instead
/// of reaching for <see cref="Console"/>, so a test can run them in-process with string writers; the process's own are the
/// invocation's (the console, behind <see cref="GitHub.OutputGuard"/>).
/// </summary>
internal sealed record Terminal(TextWriter Out, TextWriter Error)
{
    /// <summary>The invocation's writers (System.CommandLine's <see cref="InvocationConfiguration"/>).</summary>
    public static Terminal Of(ParseResult parse) => new(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);

    /// <summary>The process's console, as it is now.</summary>
    public static Terminal Console => new(System.Console.Out, System.Console.Error);
}
