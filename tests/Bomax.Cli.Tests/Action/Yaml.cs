using YamlDotNet.Serialization;

namespace Bomax.Cli.Tests.Action;

/// <summary>action.yml and workflow files as plain maps, lists and strings (every scalar a string, as YAML 1.2 core reads them here).</summary>
internal static class Yaml
{
    public static Dictionary<object, object> ReadFile(string path) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(path))
        ?? throw new FormatException($"{path} is empty");

    public static Dictionary<object, object> Map(object? node, string what) =>
        node as Dictionary<object, object> ?? throw new FormatException($"{what} is not a mapping");

    public static Dictionary<object, object> MapOrEmpty(object? node) => node as Dictionary<object, object> ?? [];

    public static List<object> List(object? node, string what) =>
        node as List<object> ?? throw new FormatException($"{what} is not a list");

    public static string? Text(Dictionary<object, object> map, string key) =>
        map.TryGetValue(key, out var value) ? value as string ?? throw new FormatException($"'{key}' is not a scalar") : null;
}
