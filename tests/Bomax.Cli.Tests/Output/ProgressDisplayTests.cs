using Bomax.Cli.Output;
using Microsoft.Extensions.Time.Testing;

namespace Bomax.Cli.Tests.Output;

/// <summary>The run's status on a terminal (a bar, time, the pick, the running pairs, fitted to the width and redrawn in place) and
/// in a log (plain lines stamped with the UTC time).</summary>
public class ProgressDisplayTests
{
    static RunStatus Status(int done = 40, int running = 4, TimeSpan? elapsed = null) => new(
        Round: 7, Done: done, Budget: 120,
        Running: Enumerable.Range(0, running).Select(k => $"checkpoint-{1000 + 50 * k} × mmlu_high_school_{k}").ToList(),
        Elsewhere: 0, Pick: new RunPick("checkpoint-1650", 0.42, 0.0005), Elapsed: elapsed ?? TimeSpan.FromSeconds(130), Started: 40);

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(200)]
    public void TheStatusLinesFitTheTerminalAndSayWhereTheRunStands(int width)
    {
        foreach (bool color in new[] { false, true })
        {
            var lines = StatusLines.Render(Status(), TimeSpan.FromSeconds(130), width, color);
            Assert.Equal(2, lines.Count);
            Assert.All(lines, line => Assert.True(StatusLines.VisibleWidth(line) <= width - 1, $"{StatusLines.VisibleWidth(line)} columns: {line}"));
            Assert.Equal(color, lines.Any(l => l.Contains('\u001b')));
        }
        var plain = StatusLines.Render(Status(), TimeSpan.FromSeconds(130), width, color: false);
        Assert.Matches(@"^\[█+░+\] 40/120 evaluations", plain[0]); // a third of the bar filled
        Assert.StartsWith("pick checkpoint-1650", plain[1]);
        if (width >= 80)
        {
            Assert.Contains("2m 10s", plain[0]);
            Assert.Contains("about 4m 20s left", plain[0]); // 130 s for 40 started: 80 more take 260 s
            Assert.Contains("P(best) 0.42 · shortfall 0.05%", plain[1]);
        }
        if (width < 200) Assert.EndsWith("…", plain[1]); // four long pair names do not fit: cut, not wrapped
        else Assert.Contains("running 4: checkpoint-1000 × mmlu_high_school_0", plain[1]);
    }

    [Fact]
    public void NamesAreMadePlainBeforeTheyReachTheTerminal()
    {
        // The block passes the output guard's escape filter, so a checkpoint name must not carry its own sequences.
        var hostile = Status() with { Pick = new RunPick("ckpt\u001b]0;pwned\u0007-9\u001b[2J", 0.5, 0.001), Running = ["a\u001b[31m × b\r"] };
        var lines = StatusLines.Render(hostile, TimeSpan.FromSeconds(10), 200, color: false);
        Assert.All(lines, l => Assert.DoesNotContain(l, c => char.IsControl(c)));
        Assert.Contains("pick ckpt-9 ·", lines[1]);
    }

    [Fact]
    public void AStudyThatStopsByProbBestShowsPBestInTheTailsBesideIt()
    {
        // What stop.prob-best reads: a run whose P(best) has passed 0.95 and goes on says why.
        var stopping = Status() with { Pick = new RunPick("checkpoint-1650", 0.97, 0.0005, TailProbabilityBest: 0.93) };
        Assert.Contains("pick checkpoint-1650 (P(best) 0.97, in the tails 0.93)", stopping.Line());
        Assert.Contains("P(best) 0.97 · in the tails 0.93 · shortfall 0.05%", StatusLines.Render(stopping, TimeSpan.FromSeconds(9), 120, false)[1]);
        // Where the tails say the same, or the study has no such rule, P(best) stands alone.
        foreach (var pick in new[] { new RunPick("checkpoint-1650", 0.97, 0.0005, 0.9712), new RunPick("checkpoint-1650", 0.97, 0.0005) })
        {
            var status = Status() with { Pick = pick };
            Assert.Contains("(P(best) 0.97), ETA", status.Line());
            Assert.Contains("P(best) 0.97 · shortfall", StatusLines.Render(status, TimeSpan.FromSeconds(9), 120, false)[1]);
        }
    }

    [Fact]
    public void TheBarFillsWithTheEvaluationsSpent()
    {
        string Bar(int done) => StatusLines.Render(Status(done), TimeSpan.FromSeconds(10), 100, false)[0].Split(']')[0];
        Assert.DoesNotContain("█", Bar(0));
        Assert.DoesNotContain("░", Bar(120));
        Assert.True(Bar(90).Count(c => c == '█') > Bar(30).Count(c => c == '█'));
    }

    [Fact]
    public void InALogEachLineIsStampedWithTheUtcTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 14, 3, 7, TimeSpan.Zero));
        var log = new StringWriter();
        using (var display = new ProgressDisplay(log, time: time, looks: DisplayLooks.Plain))
        {
            display.Info("study tiny: 3 checkpoints");
            time.Advance(TimeSpan.FromSeconds(65));
            display.Report(Status());
            display.Warn("a score out of place");
        }
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("14:03:07Z study tiny: 3 checkpoints", lines[0]);
        Assert.StartsWith("14:04:12Z round 7: 40/120 evaluations, running 4, pick checkpoint-1650 (P(best) 0.42), ETA", lines[1]);
        Assert.Equal("14:04:12Z warning: a score out of place", lines[2]);
        Assert.DoesNotContain('\u001b', log.ToString());
    }

    [Fact]
    public void OnATerminalTheBlockIsRedrawnInPlaceLinesThatStayGoAboveItAndTheClockMovesOn()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 14, 3, 7, TimeSpan.Zero));
        var screen = new StringWriter();
        var display = new ProgressDisplay(screen, time: time, looks: new DisplayLooks(true, () => 80, false));
        display.Report(Status());
        string first = screen.ToString();
        Assert.StartsWith("[", first);
        Assert.Contains("2m 10s", first);
        Assert.DoesNotContain("\n[", first);

        display.Info("4 pair(s) are still leased to other workers");
        string afterInfo = screen.ToString()[first.Length..];
        // The block is cleared (both lines), the line printed, the block drawn again under it.
        Assert.StartsWith("\r\u001b[2K\u001b[1A\u001b[2K4 pair(s) are still leased to other workers" + Environment.NewLine + "[", afterInfo);

        time.Advance(TimeSpan.FromSeconds(5)); // no new round: the ticker moves the elapsed time on
        Assert.Contains("2m 15s", screen.ToString()[(first.Length + afterInfo.Length)..]);

        display.Dispose();
        Assert.EndsWith("\r\u001b[2K\u001b[1A\u001b[2K", screen.ToString()); // nothing left of the block
        int length = screen.ToString().Length;
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(length, screen.ToString().Length); // the ticker stopped
    }
}
