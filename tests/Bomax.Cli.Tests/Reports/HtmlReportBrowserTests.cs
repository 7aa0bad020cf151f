using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Bomax.Cli.Reports;

namespace Bomax.Cli.Tests.Reports;

/// <summary>A test that needs Debian's headless Chromium at <c>/usr/bin/chromium</c>; skipped, saying so, where it is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium))
            Skip = $"{Chromium} is not installed (apt-get install -y chromium): the report was not checked in a real browser";
    }
}

/// <summary>Opens <c>report.html</c> in a real (headless) browser: it renders, and its DOM holds both charts and the pick.</summary>
public class HtmlReportBrowserTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [ChromiumFact]
    public void ScreenshotRendersThePage()
    {
        using var temp = new TempFolder();
        string page = WritePage(temp.Path, ReportFixture.Build());
        string shot = Path.Combine(temp.Path, "shot.png");
        var (exit, _, stderr) = RunChromium(temp.Path, $"--screenshot={shot}", "--window-size=1200,2000", new Uri(page).AbsoluteUri);
        Assert.True(exit == 0, $"chromium exited {exit}: {stderr}");
        Assert.True(File.Exists(shot), $"no screenshot: {stderr}");
        var png = File.ReadAllBytes(shot);
        Assert.True(png.Length > 20_000, $"the screenshot is only {png.Length} bytes: a blank page?");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(1200, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(2000, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    [ChromiumFact]
    public void DomHoldsBothChartsAndThePick()
    {
        using var temp = new TempFolder();
        var report = ReportFixture.Build();
        string page = WritePage(temp.Path, report);
        var (exit, dom, stderr) = RunChromium(temp.Path, "--dump-dom", new Uri(page).AbsoluteUri);
        Assert.True(exit == 0, $"chromium exited {exit}: {stderr}");
        Assert.Equal(2, Regex.Matches(dom, "<svg class=\"chart\"").Count);
        Assert.Contains("<title>Bomax.Ci report: demo-study</title>", dom);
        Assert.Contains($"Selected <strong>{report.Pick.Name}</strong>", dom);
        Assert.Contains($"▼ pick: {report.Pick.Name}", dom);
        Assert.Contains("<polygon", dom);
        Assert.DoesNotContain("<script", dom);
    }

    [ChromiumFact]
    public void HostileNamesStayText()
    {
        using var temp = new TempFolder();
        string page = WritePage(temp.Path, ReportFixture.Build(pickName: "a|b <script>alert(1)</script><img src=x>"));
        var (exit, dom, stderr) = RunChromium(temp.Path, "--dump-dom", new Uri(page).AbsoluteUri);
        Assert.True(exit == 0, $"chromium exited {exit}: {stderr}");
        Assert.DoesNotContain("<script", dom);
        Assert.DoesNotContain("<img", dom);
        Assert.Contains("a|b &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x&gt;", dom);
    }

    static string WritePage(string folder, StudyReport report)
    {
        string page = Path.Combine(folder, "report.html");
        File.WriteAllText(page, HtmlReport.Render(report), new UTF8Encoding(false));
        return page;
    }

    /// <summary>Runs headless Chromium (no shell) with its profile in <paramref name="folder"/>; kills it after a minute.</summary>
    static (int Exit, string Stdout, string Stderr) RunChromium(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo(ChromiumFactAttribute.Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={Path.Combine(folder, "profile")}" })
            start.ArgumentList.Add(a);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["HOME"] = folder;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"chromium did not finish in {Timeout.TotalSeconds} s: {Tail(stderr)}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, Tail(stderr));
    }

    static string Tail(Task<string> text)
    {
        if (!text.Wait(TimeSpan.FromSeconds(5))) return "";
        var s = text.Result;
        return s.Length > 2000 ? s[^2000..] : s;
    }

    sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("bomax-report-browser-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
