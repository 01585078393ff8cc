using KvmLab.Scenarios;
using YamlDotNet.RepresentationModel;

namespace KvmLab.Sweeps;

/// <summary>
/// Reads a sweep file strictly, like <see cref="ScenarioLoader"/>: unknown keys, bad paths, empty
/// axes and duplicate values are refused with "file:line: key: problem". The base scenario is
/// loaded (and so validated) here; each point is validated by <see cref="SweepExpander"/>.
/// </summary>
public static class SweepLoader
{
    private static readonly string[] TopKeys = ["name", "description", "scenario", "replications", "grid"];

    public static SweepSpec LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException($"{path.Replace("\0", "\\0", StringComparison.Ordinal)}: cannot read sweep: {e.Message}", e);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <param name="baseDirectory">Where a relative 'scenario:' path is resolved.</param>
    public static SweepSpec Parse(string yaml, string file, string baseDirectory)
    {
        if (SafeYaml.Load(yaml, file) is not YamlMappingNode root)
        {
            throw new ScenarioException(file, 1, "sweep", "the file must be a YAML mapping with 'scenario:' and 'grid:'");
        }

        ScenarioException Error(YamlNode n, string key, string problem) => new(file, (int)n.Start.Line, key, problem);
        string Scalar(YamlNode n, string key) => n is YamlScalarNode s ? s.Value ?? "" : throw Error(n, key, "expected a single value");
        YamlNode? Child(string name) => root.Children.TryGetValue(new YamlScalarNode(name), out YamlNode? v) ? v : null;

        foreach (var (k, _) in root.Children)
        {
            string name = Scalar(k, "sweep");
            if (!TopKeys.Contains(name))
            {
                throw Error(k, name, $"unknown key (expected one of: {string.Join(", ", TopKeys)})");
            }
        }

        YamlNode scenarioNode = Child("scenario") ?? throw Error(root, "scenario", "missing; name the base scenario file, for example 'scenario: ../scenarios/kut-ipi.yaml'");
        string scenarioFile = Path.Combine(baseDirectory, Scalar(scenarioNode, "scenario"));
        if (!File.Exists(scenarioFile))
        {
            throw Error(scenarioNode, "scenario", $"no such file '{scenarioFile}' (a relative path is taken from the sweep file's directory)");
        }

        string scenarioText;
        try
        {
            scenarioText = File.ReadAllText(scenarioFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(scenarioNode, "scenario", $"cannot read '{scenarioFile}': {e.Message}");
        }

        ScenarioLoader.Parse(scenarioText, scenarioFile); // the base must be valid on its own

        int replications = 1;
        if (Child("replications") is { } rn)
        {
            if (ValueText.Integer(Scalar(rn, "replications"), 1, 10000, out long r) is { } problem)
            {
                throw Error(rn, "replications", problem);
            }

            replications = (int)r;
        }

        var axes = new List<SweepAxis>();
        if (Child("grid") is { } g)
        {
            if (g is not YamlMappingNode grid)
            {
                throw Error(g, "grid", "expected a mapping of path: [values], for example 'vms[0].vcpus: [2, 4, 8]'");
            }

            foreach (var (kNode, vNode) in grid.Children)
            {
                string p = Scalar(kNode, "grid");
                string key = "grid." + p;
                if (!SweepPath.TryParse(p, out SweepPath? path))
                {
                    throw Error(kNode, key, "not a path into the scenario (keys joined by '.', list items as [i], for example vms[0].vcpus)");
                }

                if (vNode is not YamlSequenceNode seq || seq.Children.Count == 0)
                {
                    throw Error(vNode, key, "expected a non-empty list of values, for example [1, 2, 4]");
                }

                var values = new List<SweepValue>();
                foreach (YamlNode item in seq)
                {
                    SweepValue v = Value(item, key, Error, Scalar);
                    if (values.Any(x => x.Canonical == v.Canonical))
                    {
                        throw Error(item, key, $"value {v.Canonical} is listed twice");
                    }

                    if (v.Label is { } label && values.Any(x => x.Label == label))
                    {
                        throw Error(item, key, $"label '{label}' is used twice");
                    }

                    values.Add(v);
                }

                axes.Add(new SweepAxis(path!, values, (int)kNode.Start.Line));
            }
        }

        return new SweepSpec
        {
            Name = Child("name") is { } n ? Scalar(n, "name") : Path.GetFileNameWithoutExtension(file),
            Description = Child("description") is { } d ? Scalar(d, "description") : null,
            File = file,
            ScenarioFile = scenarioFile,
            ScenarioText = scenarioText,
            Replications = replications,
            Axes = axes,
        };
    }

    private static SweepValue Value(YamlNode item, string key, Func<YamlNode, string, string, ScenarioException> error, Func<YamlNode, string, string> scalar)
    {
        int line = (int)item.Start.Line;
        if (item is YamlMappingNode m && m.Children.Keys.All(k => k is YamlScalarNode { Value: "label" or "value" }))
        {
            YamlNode v = m.Children.TryGetValue(new YamlScalarNode("value"), out YamlNode? vn)
                ? vn
                : throw error(item, key, "a labelled value needs 'value:' (and 'label:')");
            string? label = m.Children.TryGetValue(new YamlScalarNode("label"), out YamlNode? ln) ? scalar(ln, key + ".label") : null;
            return new SweepValue(YamlNodes.Clone(v), YamlNodes.Canonical(v), label, line);
        }

        return new SweepValue(YamlNodes.Clone(item), YamlNodes.Canonical(item), null, line);
    }
}
