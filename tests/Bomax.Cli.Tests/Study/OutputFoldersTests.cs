using System.Text;
using Bomax.Cli.Study;

namespace Bomax.Cli.Tests.Study;

public sealed class OutputFoldersTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("bomax-outputs-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void NamesThatSanitiseAlikeGetFoldersOfTheirOwn()
    {
        string[] names = ["a b", "a_b", "a/b", "a\\b", "a:b"];
        var parts = names.Select(OutputFolders.Part).ToList();

        Assert.Equal(names.Length, parts.Distinct().Count());
        Assert.All(parts, p => Assert.StartsWith("a_b-", p));
        Assert.All(parts, p => Assert.Matches("^a_b-[0-9a-f]{8}$", p));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void DotsNeverBecomePathPartsOfTheirOwn(string name)
    {
        string part = OutputFolders.Part(name);

        Assert.NotEqual(".", part);
        Assert.NotEqual("..", part);
        Assert.False(part.StartsWith('.'), part);
        string pair = OutputFolders.Pair(directory, name, name);
        Assert.StartsWith(directory + Path.DirectorySeparatorChar, Path.GetFullPath(pair));
        Assert.Equal(2, Path.GetRelativePath(directory, pair).Split(Path.DirectorySeparatorChar).Length);
    }

    [Fact]
    public void LongAndNonAsciiNamesStayUnderTheFileSystemLimitAndApart()
    {
        string longName = new('x', 300);
        string other = new string('x', 299) + "y";
        string part = OutputFolders.Part(longName);

        Assert.True(Encoding.UTF8.GetByteCount(part) <= 80, part);
        Assert.NotEqual(part, OutputFolders.Part(other));
        Assert.Matches("^_+-[0-9a-f]{8}$", OutputFolders.Part("чекпойнт"));
        Directory.CreateDirectory(Path.Combine(directory, part)); // the file system takes it
    }

    [Fact]
    public void EachAttemptGetsAFreshEmptyFolderAndEarlierOnesAreKept()
    {
        string pair = OutputFolders.Pair(directory, "ckpt-1", "mmlu");
        string first = OutputFolders.CreateAttempt(pair);
        File.WriteAllText(Path.Combine(first, "results.json"), "{}");
        string second = OutputFolders.CreateAttempt(pair);

        Assert.Equal(Path.Combine(pair, "attempt-1"), first);
        Assert.Equal(Path.Combine(pair, "attempt-2"), second);
        Assert.Empty(Directory.EnumerateFileSystemEntries(second));
        Assert.True(File.Exists(Path.Combine(first, "results.json")));
    }
}
