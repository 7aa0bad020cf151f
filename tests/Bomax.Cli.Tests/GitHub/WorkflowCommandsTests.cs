using Bomax.Cli.GitHub;

namespace Bomax.Cli.Tests.GitHub;

public sealed class WorkflowCommandsTests
{
    [Fact]
    public void Error_has_file_line_and_column_properties() =>
        Assert.Equal("::error file=bomax.yml,line=12,col=5::unknown key 'seedz'",
            WorkflowCommands.Error("unknown key 'seedz'", "bomax.yml", 12, 5));

    [Fact]
    public void Properties_escape_colon_and_comma_but_data_keeps_them()
    {
        Assert.Equal("::error file=C%3A\\runs\\a%2Cb.yml,line=1,col=2::a: b, c",
            WorkflowCommands.Error("a: b, c", "C:\\runs\\a,b.yml", 1, 2));
    }

    [Fact]
    public void Data_escapes_percent_and_line_breaks()
    {
        Assert.Equal("::notice::100%25 done%0D%0Anext line%0A::error::not a command",
            WorkflowCommands.Notice("100% done\r\nnext line\n::error::not a command"));
    }

    [Fact]
    public void Percent_is_escaped_first_so_an_escape_in_the_input_survives()
    {
        Assert.Equal("::warning::%250A is literal", WorkflowCommands.Warning("%0A is literal"));
        Assert.Equal("::warning file=50%25%0Ax%3Ay.yml::m", WorkflowCommands.Warning("m", "50%\nx:y.yml"));
    }

    [Fact]
    public void Absent_properties_are_left_out()
    {
        Assert.Equal("::warning::budget spent", WorkflowCommands.Warning("budget spent"));
        Assert.Equal("::error file=bomax.yml::bad", WorkflowCommands.Error("bad", "bomax.yml"));
        Assert.Equal("::error file=bomax.yml,line=3::bad", WorkflowCommands.Error("bad", "bomax.yml", 3));
        Assert.Equal("::notice file=a.yml,line=1,col=1,title=Pick%3A ckpt-1%2C done::x",
            WorkflowCommands.Notice("x", "a.yml", 1, 1, "Pick: ckpt-1, done"));
    }

    [Fact]
    public void Groups_and_masks()
    {
        Assert.Equal("::group::Evaluating ckpt-1200 on mmlu%0Ahellaswag", WorkflowCommands.Group("Evaluating ckpt-1200 on mmlu\nhellaswag"));
        Assert.Equal("::endgroup::", WorkflowCommands.EndGroup());
        Assert.Equal("::add-mask::s3cr%25t:value,x", WorkflowCommands.AddMask("s3cr%t:value,x"));
    }
}
