using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace KvmLab.Sweeps;

/// <summary>
/// A path into a scenario's YAML: keys separated by dots, list items by [index], for example
/// <c>machine.pcpus</c>, <c>vms[0].vcpus</c>, <c>vms[0].guest.apic</c>, <c>workload.iodepth</c>,
/// <c>features</c>, <c>seed</c>. Setting it replaces the node there (creating missing mapping keys).
/// </summary>
public sealed partial class SweepPath
{
    private readonly (string Key, int? Index)[] _segments;

    private SweepPath(string text, (string, int?)[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    public override string ToString() => Text;

    public static bool TryParse(string text, out SweepPath? path)
    {
        path = null;
        if (!Syntax().IsMatch(text))
        {
            return false;
        }

        var segs = new List<(string, int?)>();
        foreach (string part in text.Split('.'))
        {
            int b = part.IndexOf('[', StringComparison.Ordinal);
            segs.Add(b < 0 ? (part, null) : (part[..b], int.Parse(part[(b + 1)..^1], CultureInfo.InvariantCulture)));
        }

        path = new SweepPath(text, [.. segs]);
        return true;
    }

    /// <summary>Puts <paramref name="value"/> at this path in <paramref name="root"/>; returns a problem or null.</summary>
    public string? Set(YamlMappingNode root, YamlNode value)
    {
        YamlMappingNode map = root;
        for (int i = 0; i < _segments.Length; i++)
        {
            var (key, index) = _segments[i];
            bool last = i == _segments.Length - 1;
            var k = new YamlScalarNode(key);
            if (index is int n)
            {
                if (!map.Children.TryGetValue(k, out YamlNode? seqNode) || seqNode is not YamlSequenceNode seq)
                {
                    return $"the base scenario has no list '{key}'";
                }

                if (n >= seq.Children.Count)
                {
                    return $"the base scenario's '{key}' has {seq.Children.Count} item(s); index {n} is out of range";
                }

                if (last)
                {
                    seq.Children[n] = value;
                    return null;
                }

                if (seq.Children[n] is not YamlMappingNode item)
                {
                    return $"'{key}[{n}]' in the base scenario is not a mapping of keys";
                }

                map = item;
                continue;
            }

            if (last)
            {
                map.Children[k] = value;
                return null;
            }

            if (!map.Children.TryGetValue(k, out YamlNode? next))
            {
                next = new YamlMappingNode();
                map.Children[k] = next;
            }

            if (next is not YamlMappingNode nm)
            {
                return $"'{key}' in the base scenario is not a mapping of keys";
            }

            map = nm;
        }

        return null;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]{1,4}\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[[0-9]{1,4}\])?)*$")]
    private static partial Regex Syntax();
}
