using System.Text;
using System.Text.RegularExpressions;

namespace Bomax.Cli.GitHub;

/// <summary>
/// Text that bomax did not write (checkpoint and benchmark names, journal text, an API's answer) made safe for one
/// line of plain terminal or log output: ANSI escape sequences and control characters removed, so it can neither
/// start a new line (where a runner would read a workflow command) nor move the cursor or recolour the terminal.
/// </summary>
internal static class PlainText
{
    // CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other two-character escapes, and their 8-bit C1 forms.
    static readonly Regex Escapes = new(
        @"(?:\x1B\[|\u009B)[0-?]*[ -/]*[@-~]|(?:\x1B\]|\u009D)[^\x07\x1B\u009C]*(?:\x07|\x1B\\|\u009C)?|\x1B[@-Z\\-_]?",
        RegexOptions.CultureInvariant);

    /// <summary>One line: escape sequences dropped, then every control character (line breaks, tabs, C1) dropped.</summary>
    public static string Line(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var stripped = Escapes.Replace(text, "");
        var sb = new StringBuilder(stripped.Length);
        foreach (var ch in stripped)
            if (!char.IsControl(ch) && ch is not ('\u2028' or '\u2029' or '\u0085')) sb.Append(ch);
        return sb.ToString();
    }

    /// <summary>Escape sequences and control characters dropped, but line breaks and tabs kept (multi-line text for a log).</summary>
    public static string Lines(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var stripped = Escapes.Replace(text, "");
        var sb = new StringBuilder(stripped.Length);
        foreach (var ch in stripped)
            if (ch is '\n' or '\r' or '\t' || !char.IsControl(ch)) sb.Append(ch);
        return sb.ToString();
    }
}
