using System.Text;
using System.Text.Json;
using Bomax.Cli.GitHub;

namespace Bomax.Cli.Tests.GitHub;

public sealed class MatrixPairsTests
{
    static List<PendingPair> Pairs(int count, string path = "/ckpt") =>
        Enumerable.Range(0, count).Select(i => new PendingPair($"ckpt-{i}", $"{path}/{i}", i * 100, $"bench-{i % 7}")).ToList();

    [Fact]
    public void WritesCompactJsonWithWhatAMatrixJobNeeds()
    {
        var matrix = MatrixPairs.From([new PendingPair("ckpt-500", "/runs/7b/ckpt-500", 500, "gsm8k")]);
        Assert.Equal("""[{"checkpoint":"ckpt-500","benchmark":"gsm8k","step":500,"checkpoint_path":"/runs/7b/ckpt-500"}]""", matrix.Json);
        Assert.Equal(1, matrix.Kept);
        Assert.Null(matrix.Warning);
    }

    [Fact]
    public void NothingToSuggestIsAnEmptyArray()
    {
        var matrix = MatrixPairs.From([]);
        Assert.Equal("[]", matrix.Json);
        Assert.Null(matrix.Warning);
    }

    [Fact]
    public void KeepsAtMost256JobsAndSaysSo()
    {
        var matrix = MatrixPairs.From(Pairs(300));
        Assert.Equal(256, matrix.Kept);
        Assert.Equal(256, JsonDocument.Parse(matrix.Json).RootElement.GetArrayLength());
        Assert.Contains("256", matrix.Warning);
        Assert.Contains("300 pairs suggested", matrix.Warning);
    }

    [Fact]
    public void StaysWithinTheByteLimitAndSaysSo()
    {
        var longPath = "/" + new string('p', 10_000);
        var matrix = MatrixPairs.From(Pairs(200, longPath));
        Assert.True(Encoding.UTF8.GetByteCount(matrix.Json) <= MatrixPairs.MaxBytes);
        Assert.InRange(matrix.Kept, 80, 90); // about 10 kB each
        Assert.Equal(matrix.Kept, JsonDocument.Parse(matrix.Json).RootElement.GetArrayLength());
        Assert.Contains("1 MB", matrix.Warning);
    }

    [Fact]
    public void CountsNonAsciiNamesInBytes()
    {
        var matrix = MatrixPairs.From(Pairs(10, "/données"), maxBytes: 300);
        Assert.True(Encoding.UTF8.GetByteCount(matrix.Json) <= 300, matrix.Json);
        Assert.NotNull(matrix.Warning);
    }

    [Fact]
    public void CapsTheRequestedCountAtTheMatrixLimit()
    {
        Assert.Equal((40, null), MatrixPairs.CapCount(40));
        var (count, warning) = MatrixPairs.CapCount(1000);
        Assert.Equal(256, count);
        Assert.Contains("--count 1000", warning);
    }
}
