using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bomax.Cli.Tests.Action;

/// <summary>
/// The subset of GitHub Actions expressions that our action and sample workflows use, evaluated the way the
/// runner does: literals ('text', numbers, true, false, null), context property access (a.b-c, a['b']),
/// ! == != &lt; &lt;= &gt; &gt;= &amp;&amp; || and parentheses, and the functions always, success, failure, cancelled,
/// fromJSON, toJSON, contains, startsWith, endsWith and format. Anything else — an unknown context, function or
/// token — throws, so a workflow that uses more than the harness understands fails its test instead of passing
/// for the wrong reason. Values are null, bool, double, string or a <see cref="JsonNode"/> (objects, arrays).
/// </summary>
internal sealed class Expressions
{
    static readonly HashSet<string> KnownContexts =
        ["github", "env", "inputs", "steps", "runner", "matrix", "needs", "strategy", "job", "secrets", "vars"];

    readonly IReadOnlyDictionary<string, JsonNode?> contexts;
    readonly Func<string> status; // "success", "failure" or "cancelled": the job (or composite) so far

    public Expressions(IReadOnlyDictionary<string, JsonNode?> contexts, Func<string>? status = null)
    {
        foreach (var name in contexts.Keys)
            if (!KnownContexts.Contains(name)) throw new ArgumentException($"'{name}' is not a GitHub Actions context");
        this.contexts = contexts;
        this.status = status ?? (() => "success");
    }

    /// <summary>Replaces each <c>${{ … }}</c> in <paramref name="text"/> by its value as a string.</summary>
    public string Interpolate(string text)
    {
        var result = new StringBuilder();
        int at = 0;
        while (true)
        {
            int open = text.IndexOf("${{", at, StringComparison.Ordinal);
            if (open < 0) break;
            int close = text.IndexOf("}}", open + 3, StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"unclosed ${{{{ in '{text}'");
            result.Append(text, at, open - at).Append(AsString(Evaluate(text[(open + 3)..close])));
            at = close + 2;
        }
        return result.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>
    /// An <c>if:</c> condition: with or without <c>${{ }}</c>; without a status function it means
    /// <c>success() &amp;&amp; (…)</c>, as on GitHub.
    /// </summary>
    public bool Condition(string? condition)
    {
        var text = (condition ?? "").Trim();
        if (text.StartsWith("${{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal)) text = text[3..^2];
        if (text.Length == 0) return status() == "success";
        bool usesStatus = new[] { "always(", "success(", "failure(", "cancelled(" }.Any(f => text.Contains(f, StringComparison.OrdinalIgnoreCase));
        var value = Truthy(Evaluate(text));
        return usesStatus ? value : status() == "success" && value;
    }

    public object? Evaluate(string expression)
    {
        var parser = new Parser(Tokenize(expression), this, expression);
        var value = parser.Or();
        parser.ExpectEnd();
        return value;
    }

    public static string AsString(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s,
        JsonNode node => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
        _ => throw new InvalidOperationException($"unexpected value {value}"),
    };

    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    /// <summary>A JSON node as an expression value: primitives unwrapped, objects and arrays kept.</summary>
    /// <remarks>Each arm is cast to object: JsonNode converts implicitly from string, double and bool, so a
    /// switch with a JsonNode arm would otherwise wrap the unwrapped value straight back into a JsonNode.</remarks>
    static object? FromNode(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => (object)v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => (object)double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => (object)v.GetValue<bool>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        _ => (object)node,
    };

    static double ToNumber(object? value) => value switch
    {
        null => 0,
        bool b => b ? 1 : 0,
        double d => d,
        string s when s.Trim().Length == 0 => 0,
        string s => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN,
        _ => double.NaN,
    };

    /// <summary>GitHub's loose equality: strings ignore case; other mixed types compare as numbers; objects by identity.</summary>
    static bool Equal(object? a, object? b)
    {
        if (a is string sa && b is string sb) return string.Equals(sa, sb, StringComparison.OrdinalIgnoreCase);
        if (a is JsonNode || b is JsonNode) return ReferenceEquals(a, b);
        if (a is null && b is null) return true;
        return ToNumber(a) == ToNumber(b);
    }

    static int Compare(object? a, object? b)
    {
        if (a is string sa && b is string sb) return string.Compare(sa, sb, StringComparison.OrdinalIgnoreCase);
        return ToNumber(a).CompareTo(ToNumber(b));
    }

    object? Context(string name, string expression)
    {
        if (!contexts.TryGetValue(name, out var node))
            throw new FormatException($"unknown context '{name}' in '{expression}' (the harness knows {string.Join(", ", contexts.Keys)})");
        return FromNode(node);
    }

    static object? Property(object? target, string name)
    {
        if (target is JsonObject o)
        {
            foreach (var (key, value) in o)
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return FromNode(value);
            return null;
        }
        if (target is JsonArray a && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count)
            return FromNode(a[i]);
        return null;
    }

    object? Call(string name, List<object?> arguments, string expression)
    {
        void Arity(int n) { if (arguments.Count != n) throw new FormatException($"{name}() takes {n} argument(s) in '{expression}'"); }
        switch (name.ToLowerInvariant())
        {
            case "always": Arity(0); return true;
            case "success": Arity(0); return status() == "success";
            case "failure": Arity(0); return status() == "failure";
            case "cancelled": Arity(0); return status() == "cancelled";
            case "fromjson":
                Arity(1);
                return FromNode(JsonNode.Parse(AsString(arguments[0])));
            case "tojson":
                Arity(1);
                return arguments[0] is JsonNode n
                    ? n.ToJsonString(new JsonSerializerOptions { WriteIndented = true })
                    : JsonSerializer.Serialize(arguments[0]);
            case "contains":
                Arity(2);
                return arguments[0] is JsonArray array
                    ? array.Any(item => Equal(FromNode(item), arguments[1]))
                    : AsString(arguments[0]).Contains(AsString(arguments[1]), StringComparison.OrdinalIgnoreCase);
            case "startswith": Arity(2); return AsString(arguments[0]).StartsWith(AsString(arguments[1]), StringComparison.OrdinalIgnoreCase);
            case "endswith": Arity(2); return AsString(arguments[0]).EndsWith(AsString(arguments[1]), StringComparison.OrdinalIgnoreCase);
            case "format":
                if (arguments.Count < 1) throw new FormatException($"format() needs a format string in '{expression}'");
                var text = AsString(arguments[0]);
                for (int i = 1; i < arguments.Count; i++) text = text.Replace("{" + (i - 1) + "}", AsString(arguments[i]), StringComparison.Ordinal);
                return text.Replace("{{", "{").Replace("}}", "}");
            default: throw new FormatException($"unknown function '{name}' in '{expression}'");
        }
    }

    enum Kind { Name, String, Number, Symbol, End }

    sealed record Token(Kind Kind, string Text);

    static List<Token> Tokenize(string expression)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < expression.Length)
        {
            char c = expression[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var text = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= expression.Length) throw new FormatException($"unclosed string in '{expression}'");
                    if (expression[i] == '\'')
                    {
                        if (i + 1 < expression.Length && expression[i + 1] == '\'') { text.Append('\''); i += 2; continue; }
                        i++;
                        break;
                    }
                    text.Append(expression[i++]);
                }
                tokens.Add(new Token(Kind.String, text.ToString()));
                continue;
            }
            if (char.IsDigit(c) || (c == '-' && i + 1 < expression.Length && char.IsDigit(expression[i + 1])))
            {
                int start = i++;
                while (i < expression.Length && (char.IsDigit(expression[i]) || expression[i] == '.')) i++;
                tokens.Add(new Token(Kind.Number, expression[start..i]));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                int start = i++;
                while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] is '_' or '-')) i++;
                tokens.Add(new Token(Kind.Name, expression[start..i]));
                continue;
            }
            var two = i + 1 < expression.Length ? expression.Substring(i, 2) : "";
            if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||") { tokens.Add(new Token(Kind.Symbol, two)); i += 2; continue; }
            if ("!<>().[],".Contains(c)) { tokens.Add(new Token(Kind.Symbol, c.ToString())); i++; continue; }
            throw new FormatException($"unexpected '{c}' in '{expression}'");
        }
        tokens.Add(new Token(Kind.End, ""));
        return tokens;
    }

    sealed class Parser(List<Token> tokens, Expressions owner, string expression)
    {
        int at;
        Token Peek => tokens[at];
        bool Accept(string symbol) { if (Peek.Kind == Kind.Symbol && Peek.Text == symbol) { at++; return true; } return false; }
        void Expect(string symbol) { if (!Accept(symbol)) throw new FormatException($"expected '{symbol}' at '{Peek.Text}' in '{expression}'"); }
        public void ExpectEnd() { if (Peek.Kind != Kind.End) throw new FormatException($"unexpected '{Peek.Text}' in '{expression}'"); }

        public object? Or()
        {
            var left = And();
            while (Accept("||")) { var right = And(); left = Truthy(left) ? left : right; }
            return left;
        }

        object? And()
        {
            var left = Comparison();
            while (Accept("&&")) { var right = Comparison(); left = Truthy(left) ? right : left; }
            return left;
        }

        object? Comparison()
        {
            var left = Unary();
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
                if (Accept(op))
                {
                    var right = Unary();
                    return op switch
                    {
                        "==" => Equal(left, right),
                        "!=" => !Equal(left, right),
                        "<" => Compare(left, right) < 0,
                        "<=" => Compare(left, right) <= 0,
                        ">" => Compare(left, right) > 0,
                        _ => Compare(left, right) >= 0,
                    };
                }
            return left;
        }

        object? Unary() => Accept("!") ? !Truthy(Unary()) : Primary();

        object? Primary()
        {
            var token = tokens[at++];
            object? value;
            switch (token.Kind)
            {
                case Kind.String: return token.Text;
                case Kind.Number: return double.Parse(token.Text, CultureInfo.InvariantCulture);
                case Kind.Symbol when token.Text == "(":
                    value = Or();
                    Expect(")");
                    return value;
                case Kind.Name when token.Text is "true" or "false": return token.Text == "true";
                case Kind.Name when token.Text == "null": return null;
                case Kind.Name when Peek.Kind == Kind.Symbol && Peek.Text == "(":
                    at++;
                    var arguments = new List<object?>();
                    if (!Accept(")"))
                    {
                        do arguments.Add(Or()); while (Accept(","));
                        Expect(")");
                    }
                    value = owner.Call(token.Text, arguments, expression);
                    break;
                case Kind.Name:
                    value = owner.Context(token.Text, expression);
                    break;
                default: throw new FormatException($"unexpected '{token.Text}' in '{expression}'");
            }
            while (true)
            {
                if (Accept("."))
                {
                    var name = tokens[at++];
                    if (name.Kind != Kind.Name) throw new FormatException($"expected a property name after '.' in '{expression}'");
                    value = Property(value, name.Text);
                }
                else if (Accept("["))
                {
                    var index = Or();
                    Expect("]");
                    value = Property(value, AsString(index));
                }
                else return value;
            }
        }
    }
}
