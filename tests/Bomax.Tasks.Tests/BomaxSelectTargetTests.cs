using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bomax.Tasks.Tests;

/// <summary>
/// <c>dotnet build -t:BomaxSelect</c> as a user runs it: on a copy of samples/msbuild (6 checkpoints × 2
/// benchmarks, 8 evaluations, an eval script whose scores peak at step 400) that restores Bomax.Ci from
/// the package packed for this run. Each test has its own copy; they share the package.
/// </summary>
[Collection(PackedPackageCollection.Name)]
public sealed class BomaxSelectTargetTests(PackedPackage package)
{
    static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(3);

    DotnetProcess StartBuild(string sample, params string[] extra) =>
        DotnetProcess.Start(sample, BuildArguments(sample, extra), package.Packages);

    DotnetResult Build(string sample, params string[] extra) =>
        DotnetProcess.Run(sample, BuildLimit, BuildArguments(sample, extra), package.Packages);

    string[] BuildArguments(string sample, string[] extra) =>
        ["build", Path.Combine(sample, "PickCheckpoint.csproj"), "-t:BomaxSelect", $"-p:BomaxCiVersion={package.Version}",
         "-nodeReuse:false", "-p:UseSharedCompilation=false", "-tl:off", "-v:n", .. extra];

    static string Journal(string sample) => Path.Combine(sample, ".bomax", "msbuild-sample.jsonl");

    static List<(string Checkpoint, string Benchmark)> JournalEvaluations(string sample) =>
        File.ReadAllLines(Journal(sample)).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "evaluation")
            .Select(r => (r.GetProperty("checkpoint").GetString()!, r.GetProperty("benchmark").GetString()!)).ToList();

    /// <summary>An eval script that logs each call to calls.log before printing the sample's scores (peak at step 400).</summary>
    static void WriteCountingEval(string sample, string beforeScore = "")
    {
        File.WriteAllText(Path.Combine(sample, "eval.sh"), $$"""
            #!/usr/bin/env bash
            set -euo pipefail
            printf '%s|%s\n' "$(basename "$1")" "$2" >> '{{Path.Combine(sample, "calls.log")}}'
            {{beforeScore}}
            awk -v s="$BOMAX_STEP" -v b="$2" 'BEGIN { d = (s - 400) / 250; bonus = (b == "math") ? 0.05 : 0; printf "score: %.4f\n", 0.7 - 0.2 * d * d + bonus }'
            """.ReplaceLineEndings("\n") + "\n");
    }

    static List<string> Calls(string sample)
    {
        var path = Path.Combine(sample, "calls.log");
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
    }

    /// <summary>What the sample's ShipSelectedCheckpoint target printed from the properties BomaxSelect set.</summary>
    static (string Checkpoint, double Score, double ProbabilityBest, double ExpectedShortfall, string HeldOutCheck) Shipped(string output)
    {
        var match = Regex.Match(output,
            @"Shipping (\S+) \(step \d+, estimated score (\S+), P\(best\) (\S+), expected shortfall (\S+), held-out check (\S*)\);");
        Assert.True(match.Success, "the target after BomaxSelect printed nothing:\n" + output);
        double Number(int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        return (match.Groups[1].Value, Number(2), Number(3), Number(4), match.Groups[5].Value);
    }

    [Fact]
    public void TheTerminalLoggerShowsThePickAsTheProjectsOutput()
    {
        // .NET's terminal logger (the default at an interactive terminal) drops messages below -v:d, high-importance ones
        // included, but shows a project's "Name -> output" line after "succeeded"; -tl:on forces it without a terminal.
        var sample = package.CopySample();

        var build = Build(sample, "-tl:on", "-v:m");

        Assert.True(build.ExitCode == 0, build.ToString());
        var plain = Regex.Replace(build.Output, @"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x1b]*\x1b\\", "");
        Assert.True(Regex.IsMatch(plain, @"PickCheckpoint [^\n]*succeeded[^\n]*→ Bomax: selected ckpt-400 \(step 400\)[^\n]*P\(best\)"), plain);
    }

    [Fact]
    public void TheBuildPrintsThePickAndALaterTargetReadsIt()
    {
        var sample = package.CopySample();

        var build = Build(sample);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("Bomax: study msbuild-sample: 6 checkpoints × 2 benchmarks = 12 pairs; budget 8 evaluations", build.Output);
        Assert.Contains("Bomax: round 1: 0/8 evaluations, running 2, initial design", build.Output);
        Assert.Contains("Bomax: selected ckpt-400 (step 400): estimated average 0.7", build.Output);
        // The sample's ShipSelectedCheckpoint target ran after BomaxSelect, with the properties set.
        var shipped = Shipped(build.Output);
        Assert.Equal("ckpt-400", shipped.Checkpoint);
        Assert.InRange(shipped.Score, 0.70, 0.75); // the fake scores of step 400: 0.70 and 0.75
        Assert.InRange(shipped.ProbabilityBest, 0.5, 1.0);
        Assert.InRange(shipped.ExpectedShortfall, 0.0, 0.01);
        Assert.Equal(shipped.ProbabilityBest < 1, shipped.ExpectedShortfall > 0);
        Assert.Equal("0", shipped.HeldOutCheck); // 8 evaluations: too few for the held-out check, and the property says so
        Assert.Contains($"report: {Path.Combine(sample, ".bomax", "msbuild-sample", "report.md")}", build.Output);
        Assert.Equal("stand-in weights of the checkpoint at step 400\n",
            File.ReadAllText(Path.Combine(sample, "release", "ckpt-400", "weights.txt")));
        Assert.Equal(8, JournalEvaluations(sample).Count);

        // The consuming project got the task and the engine, and no reference to TorchSharp.
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(sample, "obj", "project.assets.json")));
        var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name).ToList();
        Assert.Equal([$"Bomax.Ci/{package.Version}"], libraries); // no TorchSharp, no dependency at all
        var target = assets.RootElement.GetProperty("targets").EnumerateObject().Single().Value.GetProperty($"Bomax.Ci/{package.Version}");
        Assert.False(target.TryGetProperty("compile", out _), "the package gives the project something to compile against");
        Assert.False(target.TryGetProperty("runtime", out _), "the package puts assemblies into the project's output");
    }

    [Fact]
    public void ASpecErrorFailsTheBuildWithItsCodeFileAndLineAndSoDoesAMissingEngine()
    {
        var sample = package.CopySample();
        var spec = Path.Combine(sample, "bomax.yml");
        var lines = File.ReadAllLines(spec).ToList();
        int timeout = lines.FindIndex(l => l.TrimStart().StartsWith("timeout:", StringComparison.Ordinal));
        lines[timeout] = "  timeout: soon";
        File.WriteAllLines(spec, lines);

        var build = Build(sample);

        Assert.True(build.ExitCode != 0, build.ToString());
        // file(line,column): error CODE: message — the form IDEs and CI logs make clickable.
        Assert.Contains($"{spec}({timeout + 1},12): error BMX1001: eval.timeout: 'soon' is not a duration", build.Output);
        Assert.Contains("Build FAILED.", build.Output);
        Assert.DoesNotContain("Shipping", build.Output);
        Assert.False(File.Exists(Journal(sample)), "a study with a bad spec evaluated something");

        var missingEngine = Build(sample, "-p:BomaxToolPath=/nonexistent/bomax.dll");

        Assert.True(missingEngine.ExitCode != 0, missingEngine.ToString());
        Assert.Contains("error BMX1005: the bomax engine was not found at '/nonexistent/bomax.dll'", missingEngine.Output);
    }

    [Fact]
    public void ABadPropertyIsNamedAndReportedAtTheUsersProject()
    {
        var sample = package.CopySample();
        var project = Path.Combine(sample, "PickCheckpoint.csproj");

        var build = Build(sample, "-p:BomaxBudget=lots");

        Assert.True(build.ExitCode != 0, build.ToString());
        // file : error CODE: message — at the project, not at a line of the package's Bomax.Ci.targets.
        string error = $"{project} : error BMX1002: BomaxBudget 'lots' is not a budget: expected a count of evaluations like 40";
        Assert.True(build.Output.Contains(error, StringComparison.Ordinal), $"no '{error}' in:\n{build}");
        Assert.DoesNotContain("Bomax.Ci.targets(", build.Output);
        Assert.DoesNotContain("Shipping", build.Output);
        Assert.False(File.Exists(Journal(sample)), "a study with a bad budget evaluated something");
    }

    [Fact]
    public void ASecondBuildWithNothingChangedIsSkippedAndStillSetsTheProperties()
    {
        var sample = package.CopySample();
        WriteCountingEval(sample);
        var first = Build(sample);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(8, Calls(sample).Count);
        var journalBefore = File.ReadAllText(Journal(sample));

        var second = Build(sample);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Skipping target \"_BomaxRunStudy\" because all output files are up-to-date", second.Output);
        Assert.Contains("Bomax: up to date (the spec and the journal have not changed since the last select): selected ckpt-400 (step 400)",
            second.Output);
        Assert.Equal(Shipped(first.Output), Shipped(second.Output));
        Assert.DoesNotContain("Bomax: round", second.Output);
        Assert.Equal(8, Calls(sample).Count);
        Assert.Equal(journalBefore, File.ReadAllText(Journal(sample)));

        // A changed option is not up to date: a bigger budget resumes and evaluates only the new pairs.
        var third = Build(sample, "-p:BomaxBudget=10");

        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.DoesNotContain("Bomax: up to date", third.Output);
        Assert.Contains("Bomax: resuming from", third.Output);
        Assert.Equal(10, Calls(sample).Count);
        Assert.Equal(10, JournalEvaluations(sample).Distinct().Count());
        Assert.Contains("Shipping ckpt-400", third.Output);
    }

    [Fact]
    public void CtrlCStopsTheBuildKeepsFinishedEvaluationsAndTheNextBuildResumes()
    {
        var sample = package.CopySample();
        string slow = Path.Combine(sample, "slow"), running = Path.Combine(sample, "running"), finished = Path.Combine(sample, "finished.log");
        // The first 4 evaluations are quick; from the 5th on, while the file 'slow' exists, each marks that it
        // runs and sleeps (in a child, as a real evaluation would run a model) long past the test's patience.
        WriteCountingEval(sample, $$"""
            if [ -e '{{slow}}' ] && [ "$(wc -l < '{{Path.Combine(sample, "calls.log")}}')" -gt 4 ]; then
              echo "$$" >> '{{running}}'
              sleep 120 &
              wait $!
              echo "$1|$2" >> '{{finished}}'
            fi
            """);
        File.WriteAllText(slow, "");

        using (var build = StartBuild(sample))
        {
            WaitUntil(() => File.Exists(running) || build.Process.HasExited, TimeSpan.FromSeconds(120),
                () => "an evaluation to be running:\n" + build.OutputSoFar);
            Assert.False(build.Process.HasExited, "the build ended before an evaluation ran:\n" + build.OutputSoFar);
            Interrupt(build.Process.Id);
            var clock = Stopwatch.StartNew();
            var cancelled = build.Wait(TimeSpan.FromSeconds(60));

            Assert.True(cancelled.ExitCode != 0, cancelled.ToString());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the build took {clock.Elapsed.TotalSeconds:0} s to stop:\n{cancelled}");
            Assert.Contains("error BMX1004: the build was cancelled: interrupted; 4 evaluations are in", cancelled.Output);
            Assert.DoesNotContain("Shipping", cancelled.Output);
        }
        Assert.False(File.Exists(finished), "an evaluation ran to its end after Ctrl+C: the engine was not interrupted");
        var kept = JournalEvaluations(sample);
        Assert.Equal(4, kept.Count);
        Assert.False(File.Exists(Path.Combine(sample, "obj", "bomax", "bomax.result.json")), "an interrupted build left a result");

        File.Delete(slow);
        int callsBefore = Calls(sample).Count;
        var resumed = Build(sample);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("Bomax: resuming from", resumed.Output);
        Assert.Contains("Shipping ckpt-400", resumed.Output);
        var newCalls = Calls(sample).Skip(callsBefore).Select(c => c.Split('|')).Select(p => (p[0], p[1])).ToList();
        Assert.Equal(4, newCalls.Count); // the budget of 8 less the 4 kept
        Assert.Empty(newCalls.Intersect(kept));
        Assert.Equal(8, JournalEvaluations(sample).Distinct().Count());
    }

    /// <summary>
    /// Ctrl+C: SIGINT to the dotnet build process alone (not its group), so the engine stops only if the
    /// task passes the cancellation on. Sent through kill(1) so no runtime of ours is in between.
    /// </summary>
    static void Interrupt(int pid)
    {
        var kill = new ProcessStartInfo(File.Exists("/bin/kill") ? "/bin/kill" : "/usr/bin/kill") { UseShellExecute = false };
        kill.ArgumentList.Add("-INT");
        kill.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(kill)!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    static void WaitUntil(Func<bool> condition, TimeSpan limit, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) Assert.Fail($"timed out after {limit.TotalSeconds} s waiting for {what()}");
            Thread.Sleep(50);
        }
    }
}
