namespace Bomax.Cli.Tests.Action;

/// <summary>
/// Reads the files a step writes to talk to the runner — GITHUB_OUTPUT and GITHUB_ENV (<c>NAME=VALUE</c> lines
/// and <c>NAME&lt;&lt;DELIMITER</c> blocks) and GITHUB_PATH (one directory a line) — as the runner reads them.
/// </summary>
internal static class FileCommands
{
    public static Dictionary<string, string> ReadNameValues(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return values;
        var lines = File.ReadAllText(path).Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0) continue;
            int equals = line.IndexOf('='), heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            if (equals >= 0 && (heredoc < 0 || equals < heredoc))
            {
                values[line[..equals]] = line[(equals + 1)..];
                continue;
            }
            if (heredoc <= 0) throw new FormatException($"{path}: invalid line '{line}'");
            var (name, delimiter) = (line[..heredoc], line[(heredoc + 2)..]);
            var value = new List<string>();
            while (true)
            {
                if (++i >= lines.Length) throw new FormatException($"{path}: delimiter '{delimiter}' not found");
                if (lines[i] == delimiter) break;
                value.Add(lines[i]);
            }
            values[name] = string.Join('\n', value);
        }
        return values;
    }

    public static IEnumerable<string> ReadPaths(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Trim().Length > 0) : [];
}
