using Bomax.Cli.GitHub;

namespace Bomax.Cli.Tests.GitHub;

/// <summary>What leaves the process: credentials removed, escapes and control characters dropped,
/// and under Actions no line a name can make is a workflow command.</summary>
public sealed class OutputGuardTests
{
    const string Secret = "ghs_GuardTestToken0123456789abcdefABCDEF";

    static string Through(bool actions, Action<TextWriter> write)
    {
        var inner = new StringWriter { NewLine = "\n" };
        using (var guard = new OutputGuard(inner, actions) { NewLine = "\n" })
        {
            write(guard);
            guard.Flush();
        }
        return inner.ToString();
    }

    [Theory]
    [InlineData("Authorization: token " + Secret, "Authorization: ***")]
    [InlineData("""{"message":"Bad credentials","echo":{"Authorization":"Bearer abc.def-ghi_0123456789"}}""", """{"message":"Bad credentials","echo":{"Authorization":"***"}}""")]
    [InlineData("request had Token 0123456789abcdef0123456789abcdef01234567 in it", "request had Token *** in it")]
    [InlineData("see https://api.example.com/x?access_token=abcdef123&page=2", "see https://api.example.com/x?access_token=***&page=2")]
    [InlineData("""{"token": "v1.abcdef0123456789"}""", """{"token": "***"}""")]
    [InlineData("leaked github_pat_11ABCDEFG0123456789_abcdefghijklmnop here", "leaked *** here")]
    [InlineData("a token (GITHUB_TOKEN or --github-token) and a repository are needed",
        "a token (GITHUB_TOKEN or --github-token) and a repository are needed")]
    [InlineData("the token may not write there", "the token may not write there")]
    public void Credentials_are_removed_and_prose_is_left_alone(string text, string expected) =>
        Assert.Equal(expected, Redaction.Redact(text));

    [Fact]
    public void A_registered_token_is_removed_wherever_it_appears()
    {
        const string odd = "not-a-github-shaped-secret-42";
        Redaction.Register(odd);

        Assert.Equal("x *** y ***", Redaction.Redact($"x {odd} y {odd}"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_token_never_leaves_in_either_mode_but_the_mask_command_names_it(bool actions)
    {
        Redaction.Register(Secret);
        var mask = WorkflowCommands.AddMask(Secret);

        var text = Through(actions, w =>
        {
            w.WriteLine(mask);
            w.WriteLine($"bomax: warning: GitHub answered 401: Bad credentials for {Secret}");
            w.WriteLine(WorkflowCommands.Warning($"could not comment: {Secret}"));
            w.Write("partial " + Secret[..10]);
            w.Write(Secret[10..] + "\n");
        });

        var lines = text.Split('\n');
        Assert.Equal(mask, lines[0]);
        Assert.Single(lines, l => l.Contains(Secret, StringComparison.Ordinal));
        Assert.Contains("::warning::could not comment: ***", text);
        Assert.Contains("partial ***", text);
    }

    [Fact]
    public void Under_actions_a_name_with_a_line_break_cannot_start_a_workflow_command()
    {
        const string name = "x\n::error::INJECTED\n  ::add-mask::nothing\nrun ##[error]legacy";

        var text = Through(actions: true, w =>
        {
            w.WriteLine($"selected: {name} (step 5)");
            w.WriteLine(WorkflowCommands.Notice($"selected {name}"));
        });

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "selected: x", ":\u200B:error::INJECTED", "  :\u200B:add-mask::nothing", "run ##\u200B[error]legacy (step 5)",
                "::notice::selected x%0A::error::INJECTED%0A  ::add-mask::nothing%0Arun ##[error]legacy",
            ], lines);
        Assert.Single(lines, l => l.TrimStart().StartsWith("::", StringComparison.Ordinal));
    }

    [Fact]
    public void A_command_line_is_let_through_once_per_time_it_was_made()
    {
        var notice = WorkflowCommands.Notice("once only " + Guid.NewGuid());

        var text = Through(actions: true, w =>
        {
            w.WriteLine(notice);
            w.WriteLine(notice); // printed again from some other text: not a command the second time
        });

        Assert.Equal([notice, ":\u200B:" + notice[2..]], text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Outside_actions_lines_are_not_rewritten_for_the_runner()
    {
        var text = Through(actions: false, w => w.WriteLine("::error::just text"));

        Assert.Equal("::error::just text\n", text);
    }

    [Fact]
    public void Ansi_escapes_and_control_characters_are_dropped_but_tabs_and_the_progress_carriage_return_stay()
    {
        var text = Through(actions: false, w =>
        {
            w.Write("\r  round 1: 4 pairs");
            w.WriteLine("ckpt\t\u001b[31mred\u001b[0m\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \u0007bell\u0000nul\u009b2Jcsi");
        });

        Assert.Equal("\r  round 1: 4 pairs" + "ckpt\tredlink bellnulcsi\n", text);
    }

    [Theory]
    [InlineData("x\n::error::INJECTED", "x::error::INJECTED")]
    [InlineData("\u001b[2J\u001b[31mckpt-1\u001b[0m", "ckpt-1")]
    [InlineData("ckpt\r\u2028-2\t", "ckpt-2")]
    public void Plain_text_is_one_line_without_escapes_or_control_characters(string name, string expected) =>
        Assert.Equal(expected, PlainText.Line(name));
}
