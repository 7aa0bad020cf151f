using System.Text.Json;
using Bomax.Cli.Commands;
using Bomax.Cli.Journal;
using Bomax.Cli.Output;

namespace Bomax.Cli.Tests.Commands;

/// <summary>
/// The commands write only to the writers they are given (<see cref="Terminal"/>), so they run in this process: a worker's
/// suggest → record → report loop, its usage errors, with what each printed read from string writers, no child process.
/// </summary>
public sealed class InProcessCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-inprocess-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>6 checkpoints × 2 benchmarks, a budget of 6, an eval command that is never run here (the test records).</summary>
    string Spec()
    {
        string path = Path.Combine(directory, "study.yml");
        File.WriteAllText(path, """
            study: inproc
            checkpoints:
              list: [ckpt-100, ckpt-200, ckpt-300, ckpt-400, ckpt-500, ckpt-600]
            benchmarks: [a, b]
            eval:
              command: ./never-run.sh {checkpoint} {benchmark}
            budget: { max-evals: 6 }
            journal: journal.jsonl
            """);
        return path;
    }

    static Task<(int Exit, string Out, string Error)> Bomax(params string[] args) => Bomax(TimeProvider.System, args);

    static async Task<(int Exit, string Out, string Error)> Bomax(TimeProvider time, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await BomaxCommand.InvokeAsync(args, new Terminal(output, error), time);
        return (exit, output.ToString(), error.ToString());
    }

    static List<(string Checkpoint, string Benchmark)> Pairs(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Select(p => (p.GetProperty("checkpoint").GetString()!, p.GetProperty("benchmark").GetString()!)).ToList();

    [Fact]
    public async Task ALeaseRunsOutOnTheCommandsClockAndItsPairsAreHandedOutAgain()
    {
        string spec = Spec();
        var start = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(start);

        var first = Pairs((await Bomax(clock, "suggest", spec, "--count", "2", "--json", "--owner", "w1", "--lease", "10m")).Out);
        var second = Pairs((await Bomax(clock, "suggest", spec, "--count", "2", "--json", "--owner", "w2")).Out);
        Assert.Equal(2, first.Count);
        Assert.Empty(first.Intersect(second));
        var leases = JournalFile.Read(Path.Combine(directory, "journal.jsonl")).Records.OfType<LeaseRecord>().Where(l => l.Owner == "w1").ToList();
        Assert.All(leases, l => Assert.Equal(start.AddMinutes(10), l.Expires));

        clock.Advance(TimeSpan.FromMinutes(9));
        var stillLeased = Pairs((await Bomax(clock, "suggest", spec, "--count", "2", "--json", "--owner", "w3", "--no-lease")).Out);
        Assert.Empty(stillLeased.Intersect(first));
        clock.Advance(TimeSpan.FromMinutes(2));
        var again = Pairs((await Bomax(clock, "suggest", spec, "--count", "2", "--json", "--owner", "w3")).Out);
        Assert.Equal(first.Order(), again.Order());
    }

    static double Score(string checkpoint, string benchmark) =>
        0.5 + 0.01 * long.Parse(checkpoint.Split('-')[1]) / 100 - (benchmark == "b" ? 0.1 : 0);

    [Fact]
    public async Task AWorkerLoopOfSuggestAndRecordSpendsTheBudgetAndTheReportNamesACheckpoint()
    {
        string spec = Spec();
        for (int round = 0; ; round++)
        {
            Assert.True(round < 10, "the budget of 6 must be spent within a few rounds");
            var (exit, output, error) = await Bomax("suggest", spec, "--count", "2", "--json", "--owner", "w1");
            Assert.True(exit == 0, error);
            var pairs = JsonDocument.Parse(output).RootElement.EnumerateArray()
                .Select(p => (p.GetProperty("checkpoint").GetString()!, p.GetProperty("benchmark").GetString()!)).ToList();
            if (pairs.Count == 0) { Assert.Contains("the budget is spent", error); break; }
            foreach (var (checkpoint, benchmark) in pairs)
            {
                var recorded = await Bomax("record", spec, "--checkpoint", checkpoint, "--benchmark", benchmark,
                    "--score", Score(checkpoint, benchmark).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(recorded.Exit == 0, recorded.Error);
                Assert.Contains($"recorded {checkpoint} × {benchmark}", recorded.Error);
            }
        }
        Assert.Equal(6, JournalFile.Read(Path.Combine(directory, "journal.jsonl")).Records.OfType<EvaluationRecord>().Count());

        var report = await Bomax("report", spec, "--comment", "off");
        Assert.True(report.Exit == 0, report.Error);
        Assert.StartsWith("selected: ckpt-", report.Out);
        Assert.Contains("6 of 12 pairs evaluated", report.Out);
    }

    [Fact]
    public async Task UsageErrorsGoToTheErrorWriterWithExitCode2()
    {
        string spec = Spec();
        var badDevice = await Bomax("suggest", spec, "--device", "gpu");
        Assert.Equal((2, ""), (badDevice.Exit, badDevice.Out));
        Assert.Contains("--device 'gpu' is not one of auto, cpu, cuda; did you mean 'cuda'?", badDevice.Error);

        var badCount = await Bomax("suggest", spec, "--count", "0");
        Assert.Equal(2, badCount.Exit);
        Assert.Equal("bomax: --count must be at least 1\n", badCount.Error);
        Assert.False(File.Exists(Path.Combine(directory, "journal.jsonl")), "nothing may be written");
    }

    [Theory]
    [InlineData("rnu", "bomax: unknown command 'rnu'; did you mean 'run'?\nRun 'bomax --help' for usage.\n")]
    [InlineData("run study.yml --bugdet 5%", "bomax: unknown option '--bugdet'; did you mean '--budget'?\nRun 'bomax run --help' for usage.\n")]
    [InlineData("run study.yml --bugdet=5%", "bomax: unknown option '--bugdet'; did you mean '--budget'?\nRun 'bomax run --help' for usage.\n")]
    [InlineData("journal mrege", "bomax: unknown command 'mrege' after 'journal'; did you mean 'merge'?\nRun 'bomax journal --help' for usage.\n")]
    [InlineData("",
        "bomax: no command given: one of init, run, suggest, record, report, check, journal, paths, replay\nRun 'bomax --help' for usage.\n")]
    [InlineData("run a.yml b.yml", "bomax: unexpected argument 'b.yml'\nRun 'bomax run --help' for usage.\n")]
    [InlineData("run study.yml --frobnicate", "bomax: unknown option '--frobnicate'\nRun 'bomax run --help' for usage.\n")]
    [InlineData("run", "bomax: missing <spec>: bomax run <spec>\nRun 'bomax run --help' for usage.\n")]
    public async Task AMistypedCommandOrOptionIsNamedWithTheNearestKnownOne(string line, string error)
    {
        var run = await Bomax(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal((ExitCodes.UsageError, "", error), run);
    }

    /// <summary>Every whole-number and number option of every command, given a word: its error says what it expected, in words.</summary>
    [Fact]
    public async Task EveryNumericOptionRefusesAWordInWords()
    {
        var typed = new List<(string[] Command, string Option, string Expected)>();
        void Walk(System.CommandLine.Command command, string[] path)
        {
            foreach (var option in command.Options)
            {
                var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                if (type == typeof(int)) typed.Add((path, option.Name, "is not a whole number"));
                else if (type == typeof(double)) typed.Add((path, option.Name, "is not a number"));
            }
            foreach (var sub in command.Subcommands) Walk(sub, [.. path, sub.Name]);
        }
        Walk(BomaxCommand.Create(TimeProvider.System), []);
        Assert.Contains(typed, t => t.Option == "--count");
        Assert.Contains(typed, t => t.Option == "--seconds");
        Assert.True(typed.Count >= 10, string.Join(", ", typed.Select(t => t.Option)));

        foreach (var (command, option, expected) in typed)
        {
            var run = await Bomax([.. command, option, "abc"]);
            Assert.Equal(ExitCodes.UsageError, run.Exit);
            Assert.Contains($"bomax: {option} 'abc' {expected}\n", run.Error);
            Assert.DoesNotContain("System.", run.Error);
        }
        var tooLarge = await Bomax("replay", "--seeds", "99999999999");
        Assert.StartsWith("bomax: --seeds '99999999999' is out of range: expected a whole number from -2147483648 to 2147483647\n", tooLarge.Error);
    }

    [Theory]
    [InlineData("suggest study.yml --lease soon", "bomax: --lease 'soon' is not a duration: expected ")]
    [InlineData("suggest study.yml --lease 0s", "bomax: --lease '0s' must be longer than 0\n")]
    [InlineData("run study.yml --budget lots", "bomax: --budget 'lots' is not a budget: expected ")]
    [InlineData("run study.yml --comment upsret", "bomax: --comment 'upsret' is not one of upsert, recreate, off; did you mean 'upsert'?\n")]
    [InlineData("run study.yml --messages xml", "bomax: --messages 'xml' is not one of text, json\n")]
    [InlineData("suggest study.yml --count", "bomax: --count needs a value\n")]
    [InlineData("record study.yml --benchmark a --score 1", "bomax: --checkpoint is required\n")]
    public async Task ABadValueIsRefusedInWordsBeforeTheSpecIsRead(string line, string error)
    {
        var run = await Bomax(line.Split(' '));

        Assert.Equal((ExitCodes.UsageError, ""), (run.Exit, run.Out));
        Assert.StartsWith(error, run.Error);
    }

    [Fact]
    public async Task AMissingSpecIsNamedWithoutAPositionInTextAndInJson()
    {
        string missing = Path.Combine(directory, "nosuch.yml");

        var text = await Bomax("run", missing);
        var json = await Bomax("run", missing, "--messages", "json");

        Assert.Equal((ExitCodes.UsageError, $"bomax: {missing}: spec file not found\n"), (text.Exit, text.Error.Split('\n')[0] + "\n"));
        var message = JsonDocument.Parse(json.Out.Trim()).RootElement;
        Assert.Equal(("spec-error", missing, "spec file not found"),
            (message.GetProperty("type").GetString(), message.GetProperty("file").GetString(), message.GetProperty("message").GetString()));
        Assert.False(message.TryGetProperty("line", out _), json.Out);
        Assert.False(message.TryGetProperty("column", out _), json.Out);
    }

    [Fact]
    public async Task AUsageErrorIsAlsoAJsonMessageNamingItsOptionWhenJsonWasAsked()
    {
        var run = await Bomax("run", "study.yml", "--messages", "json", "--device", "gpu");

        Assert.Equal(ExitCodes.UsageError, run.Exit);
        var message = JsonDocument.Parse(run.Out.Trim()).RootElement;
        Assert.Equal(("error", "usage", "--device", "--device 'gpu' is not one of auto, cpu, cuda; did you mean 'cuda'?"),
            (message.GetProperty("type").GetString(), message.GetProperty("reason").GetString(), message.GetProperty("option").GetString(),
             message.GetProperty("message").GetString()));
    }
}
