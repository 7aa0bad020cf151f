using System.Diagnostics;

namespace Bomax.Cli.Tests.Output;

/// <summary>A test that needs tmux (a real terminal of a chosen size); skipped, saying so, where it is absent.</summary>
public sealed class TmuxFactAttribute : FactAttribute
{
    public const string Tmux = "/usr/bin/tmux";

    public TmuxFactAttribute()
    {
        if (!File.Exists(Tmux)) Skip = $"{Tmux} is not installed (apt-get install -y tmux): the live display was not checked in a terminal";
    }
}

/// <summary><c>bomax run</c> in a real 80-column terminal (tmux): a status bar redrawn in place, no status line wider than the
/// terminal (tmux's <c>capture-pane -J</c> joins wrapped lines, so a wrap would show as a longer line), and nothing of it left on
/// the screen when the run names its pick.</summary>
public sealed class TerminalDisplayTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-terminal-").FullName;
    readonly string socket = "bomax-test-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        Tmux("kill-server");
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    [TmuxFact]
    public void ARunInAnEightyColumnTerminalShowsABarThatFitsAndLeavesNoTrail()
    {
        string script = Path.Combine(directory, "eval.sh");
        // Slow enough that the display is on the screen while the pairs run.
        File.WriteAllText(script, "#!/bin/bash\nsleep 0.4\necho \"score: 0.$(( ${#1} + ${BOMAX_STEP} / 100 ))\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(directory, "study.yml"), """
            study: terminal
            checkpoints: { list: [checkpoint-100, checkpoint-200, checkpoint-300, checkpoint-400, checkpoint-500, checkpoint-600] }
            benchmarks: [a_benchmark_with_a_rather_long_name, another_benchmark_with_a_long_name, third]
            eval: { command: './eval.sh {benchmark}', parallel: 3, score: { regex: 'score: ([0-9.]+)' } }
            budget: { max-evals: 15 }
            journal: journal.jsonl
            """);
        string bomax = Path.Combine(AppContext.BaseDirectory, "bomax.dll");
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        // The run's own shell line inside tmux: CI and NO_COLOR unset (a CI runner sets CI=true, which asks for plain lines).
        string command = $"env -u CI -u NO_COLOR TERM=xterm-256color '{host}' '{bomax}' run study.yml; echo EXITED $?; sleep 60";
        Tmux("new-session", "-d", "-x", "80", "-y", "30", "-c", directory, "-s", "run", command);

        var screens = new List<string>();
        string? last = null;
        var give = Stopwatch.StartNew();
        while (give.Elapsed < TimeSpan.FromSeconds(180)) // an outcome bound, not a timing assertion
        {
            last = Tmux("capture-pane", "-p", "-J", "-t", "run");
            screens.Add(last);
            if (last.Contains("EXITED")) break;
            Thread.Sleep(150);
        }
        Assert.True(last is not null && last.Contains("EXITED 0"), $"the run did not finish well:\n{last}");
        var withBar = screens.Where(s => s.Contains('█') || s.Contains('░')).ToList();
        Assert.True(withBar.Count > 0, "no screen showed the status bar:\n" + string.Join("\n----\n", screens.TakeLast(3)));
        Assert.Contains(withBar, s => s.Contains("/15 evaluations"));
        // The status block's lines (the bar, the pick or the design) never wrap; lines that stay, such as the study's summary, may.
        var blockLines = screens.SelectMany(s => s.Split('\n'))
            .Where(l => l.Contains('█') || l.Contains('░') || l.StartsWith("pick ") || l.StartsWith("initial design")).ToList();
        Assert.Contains(blockLines, l => l.StartsWith("pick ") || l.StartsWith("initial design"));
        Assert.All(blockLines, line => Assert.True(line.TrimEnd().Length <= 80, $"a status line wider than the terminal "
            + $"({line.TrimEnd().Length}):\n{line}"));
        // When the run names its pick, the block is gone: no bar left above or below the result.
        Assert.Contains("selected:", last);
        Assert.False(last.Contains('█') || last.Contains('░'), "the status block was left on the screen:\n" + last);
    }

    string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo(TmuxFactAttribute.Tmux)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(socket);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
