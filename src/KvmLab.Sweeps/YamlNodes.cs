using YamlDotNet.RepresentationModel;

namespace KvmLab.Sweeps;

/// <summary>Deep copies and a canonical one-line text of YAML nodes (what point ids hash).</summary>
internal static class YamlNodes
{
    public static YamlNode Clone(YamlNode n) => n switch
    {
        YamlScalarNode s => new YamlScalarNode(s.Value) { Style = s.Style },
        YamlSequenceNode q => new YamlSequenceNode(q.Children.Select(Clone)) { Style = YamlDotNet.Core.Events.SequenceStyle.Flow },
        YamlMappingNode m => new YamlMappingNode(m.Children.Select(kv => new KeyValuePair<YamlNode, YamlNode>(Clone(kv.Key), Clone(kv.Value)))),
        _ => throw new NotSupportedException($"YAML node {n.NodeType}"),
    };

    public static string Canonical(YamlNode n) => n switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode q => "[" + string.Join(", ", q.Children.Select(Canonical)) + "]",
        YamlMappingNode m => "{" + string.Join(", ", m.Children.Select(kv => Canonical(kv.Key) + ": " + Canonical(kv.Value))) + "}",
        _ => "",
    };
}
