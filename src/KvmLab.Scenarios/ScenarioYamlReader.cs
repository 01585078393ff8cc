using KvmLab.Engine.Time;
using YamlDotNet.RepresentationModel;

namespace KvmLab.Scenarios;

/// <summary>
/// Typed access to a scenario's mapping entries: every value is range-checked (see
/// <see cref="ValueText"/>), every error is "file:line: key: problem", and the line of every key
/// read is kept for <see cref="ScenarioSource"/>.
/// </summary>
internal sealed class ScenarioYamlReader(string file)
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public string File => file;

    public ScenarioSource Source => new(file, new Dictionary<string, int>(_lines, StringComparer.Ordinal));

    public static int LineOf(YamlNode node) => (int)Math.Clamp(node.Start.Line, 1, int.MaxValue);

    public ScenarioException Error(YamlNode node, string key, string problem) => new(file, LineOf(node), key, problem);

    public void Remember(string key, YamlNode node) => _lines.TryAdd(key, LineOf(node));

    public void CheckKeys(YamlMappingNode map, string prefix, string[] allowed)
    {
        foreach (var (k, _) in map.Children)
        {
            string name = k is YamlScalarNode ? Scalar(k, prefix.TrimEnd('.'))
                : throw Error(k, prefix.Length == 0 ? "scenario" : prefix.TrimEnd('.'), "a key must be a single word, not a list or a mapping");
            if (!allowed.Contains(name))
            {
                throw Error(k, prefix + name, $"unknown key (expected one of: {string.Join(", ", allowed)})");
            }

            Remember(prefix + name, k);
        }
    }

#pragma warning disable CA1822 // kept an instance member beside its siblings for call-site uniformity
    public YamlNode? Child(YamlMappingNode map, string name) =>
        map.Children.TryGetValue(new YamlScalarNode(name), out YamlNode? v) ? v : null;
#pragma warning restore CA1822

    public YamlMappingNode Mapping(YamlNode node, string key) =>
        node as YamlMappingNode ?? throw Error(node, key, "expected a mapping of keys");

    public string Scalar(YamlNode node, string key) =>
        node is YamlScalarNode s ? s.Value ?? "" : throw Error(node, key, "expected a single value");

    public string String(YamlMappingNode map, string key, string name, string fallback) =>
        Child(map, name) is { } n ? Scalar(n, key) : fallback;

    /// <param name="why">What the bound is, shown with a range error.</param>
    public long Long(YamlMappingNode map, string key, string name, long fallback, long min, long max, string? why = null)
    {
        if (Child(map, name) is not { } n)
        {
            return fallback;
        }

        return ValueText.Integer(Scalar(n, key), min, max, out long v, why) is { } problem ? throw Error(n, key, problem) : v;
    }

    public int Int(YamlMappingNode map, string key, string name, int fallback, int min, int max, string? why = null) =>
        checked((int)Long(map, key, name, fallback, min, max, why));

    public ulong Unsigned(YamlMappingNode map, string key, string name, ulong fallback)
    {
        if (Child(map, name) is not { } n)
        {
            return fallback;
        }

        return ValueText.Unsigned(Scalar(n, key), out ulong v) is { } problem ? throw Error(n, key, problem) : v;
    }

    public bool Bool(YamlMappingNode map, string key, string name, bool fallback)
    {
        if (Child(map, name) is not { } n)
        {
            return fallback;
        }

        return Scalar(n, key) switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            string s => throw Error(n, key, $"'{s}' is not true or false"),
        };
    }

    public SimSpan Span(YamlMappingNode map, string key, string name, SimSpan fallback, SimSpan min, SimSpan max)
    {
        if (Child(map, name) is not { } n)
        {
            return fallback;
        }

        return ValueText.Span(Scalar(n, key), min, max, out SimSpan span) is { } problem ? throw Error(n, key, problem) : span;
    }
}
