using System.Diagnostics;

namespace Bomax.Cli.Tests.Docs;

/// <summary>
/// docs/measurements.md's measured blocks are what the replays' JSON beside it says (docs/measurements/render.cs, run as a
/// user runs it: <c>dotnet run docs/measurements/render.cs -- --check</c>), and the check fails when a number in a block is
/// changed by hand.
/// </summary>
public sealed class MeasurementsTests : IDisposable
{
    readonly string copy = Directory.CreateTempSubdirectory("bomax-measurements-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(copy, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The renderer on a copy of what it reads (the solution file marks the root; docs/ whole), so the test never writes
    /// to the repository.</summary>
    (int ExitCode, string Output) Render(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = copy,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] command = ["run", Path.Combine(copy, "docs", "measurements", "render.cs"), "--", .. arguments];
        foreach (var argument in command) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "the renderer did not finish in 5 minutes");
        return (process.ExitCode, output + error.Result);
    }

    void CopyDocs()
    {
        foreach (var name in new[] { "Bomax.Ci.sln", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
            if (File.Exists(Path.Combine(RepositoryPaths.Root, name)))
                File.Copy(Path.Combine(RepositoryPaths.Root, name), Path.Combine(copy, name));
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(RepositoryPaths.Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void TheMeasuredBlocksAreWhatTheReplaysSayAndAHandEditIsCaught()
    {
        CopyDocs();
        var measurements = Path.Combine(copy, "docs", "measurements.md");
        string before = File.ReadAllText(measurements);
        Assert.Contains("<!-- replay", before);

        var check = Render("--check");
        Assert.True(check.ExitCode == 0, check.Output);

        // A number changed by hand inside a block: the check names the block; rendering puts the JSON's number back.
        int block = before.IndexOf("<!-- replay-pool ", StringComparison.Ordinal);
        int cell = before.IndexOf(" | ",
            before.IndexOf("\n| ", before.IndexOf("|---", block, StringComparison.Ordinal), StringComparison.Ordinal) + 3,
            StringComparison.Ordinal);
        File.WriteAllText(measurements, before[..(cell + 3)] + "doctored " + before[(cell + 3)..]);
        var stale = Render("--check");
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("is not what its JSON says", stale.Output);

        var rewrite = Render();
        Assert.True(rewrite.ExitCode == 0, rewrite.Output);
        Assert.Equal(before, File.ReadAllText(measurements));
    }
}
