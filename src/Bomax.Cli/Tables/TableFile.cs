namespace Bomax.Cli.Tables;

/// <summary>The text of a table file a command reads (a score table, its standard errors, benchmark costs), or the one error that
/// says why it cannot be read, naming the file and <c>what</c> it was to be.</summary>
internal static class TableFile
{
    public static (string? Text, TableError? Error) Read(string path, string what)
    {
        try
        {
            return (File.ReadAllText(path), null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, new TableError(path, 0, 0, $"{what} not found"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, new TableError(path, 0, 0, $"cannot read {what}: {e.Message}"));
        }
    }
}
