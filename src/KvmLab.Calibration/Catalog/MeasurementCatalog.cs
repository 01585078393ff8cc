using System.Globalization;
using KvmLab.Scenarios;
using YamlDotNet.RepresentationModel;

namespace KvmLab.Calibration.Catalog;

/// <summary>
/// A platform's measurement catalog (data/measurements/&lt;platform&gt;.yaml): the independent
/// microbenchmarks a profile is fitted to. Read strictly: an unknown key, a missing value or a
/// duplicate id is one line naming file:line:key.
/// </summary>
public sealed record MeasurementCatalog
{
    private static readonly string[] EntryKeys =
    [
        "id", "quantity", "value", "unit", "statistic", "cpu", "cpu_match", "tsc_ghz", "kernel", "qemu", "config", "scenario",
        "spread", "citation", "url", "verified", "note", "use", "related_target", "bound", "bound_kind", "calibration",
    ];

    public required string File { get; init; }

    /// <summary>The profile id the entries are fitted into (null for a catalog of other parts, such as generic-intel).</summary>
    public string? Platform { get; init; }

    public string? Cpu { get; init; }

    /// <summary>TSC rate for cycles of this platform (0 when the file mixes parts).</summary>
    public double TscGhz { get; init; }

    public required IReadOnlyList<MeasurementEntry> Entries { get; init; }

    /// <summary>
    /// Another platform whose entries are fit targets for this one too, because it is the same
    /// microarchitecture (catalog key <c>same_microarchitecture_as</c>, with its reason in
    /// <c>same_microarchitecture_reason</c>): the cycle counts carry over and the costs follow
    /// this part's clock. Null: only this platform's own entries are targets.
    /// </summary>
    public string? SameMicroarchitectureAs { get; init; }

    public string? SameMicroarchitectureReason { get; init; }

    /// <summary>The repository's catalogs: data/measurements/*.yaml.</summary>
    public static string Directory(string root) => Path.Combine(root, "data", "measurements");

    public static MeasurementCatalog Load(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: cannot read the catalog: {e.Message}", e);
        }

        return Parse(text, path);
    }

    public static MeasurementCatalog Parse(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ScenarioException(file, (int)e.Start.Line, "yaml", e.Message.Split('\n')[0]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ScenarioException(file, 1, "catalog", "the file must be a mapping with platform, cpu, tsc_ghz and entries");
        }

        string? Scalar(YamlMappingNode m, string key) =>
            m.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? n) && n is YamlScalarNode s && s.Value is { } v && v != "null" && v != "~" ? v : null;

        YamlNode Need(YamlMappingNode m, string key, string where) =>
            m.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? n) ? n : throw new ScenarioException(file, (int)m.Start.Line, where + key, "missing");

        double Number(YamlNode n, string key)
        {
            string t = (n as YamlScalarNode)?.Value ?? "";
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
                ? v
                : throw new ScenarioException(file, (int)n.Start.Line, key, $"'{t}' is not a finite number");
        }

        if (Need(root, "entries", "") is not YamlSequenceNode list)
        {
            throw new ScenarioException(file, (int)root.Start.Line, "entries", "expected a list of entries");
        }

        var entries = new List<MeasurementEntry>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (YamlNode node in list)
        {
            string at = $"entries[{i++}].";
            if (node is not YamlMappingNode m)
            {
                throw new ScenarioException(file, (int)node.Start.Line, at.TrimEnd('.'), "expected a mapping of keys");
            }

            foreach (var k in m.Children.Keys.OfType<YamlScalarNode>())
            {
                if (!EntryKeys.Contains(k.Value))
                {
                    throw new ScenarioException(file, (int)k.Start.Line, at + k.Value, $"unknown key (expected one of: {string.Join(", ", EntryKeys)})");
                }
            }

            string id = Scalar(m, "id") ?? throw new ScenarioException(file, (int)m.Start.Line, at + "id", "missing");
            if (!ids.Add(id))
            {
                throw new ScenarioException(file, (int)m.Start.Line, at + "id", $"'{id}' is listed twice");
            }

            var config = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (m.Children.TryGetValue(new YamlScalarNode("config"), out YamlNode? c) && c is YamlMappingNode cm)
            {
                foreach (var kv in cm.Children)
                {
                    config[((YamlScalarNode)kv.Key).Value!] = kv.Value is YamlScalarNode v && v.Value is not ("null" or "~") ? v.Value : null;
                }
            }

            var scenario = new Dictionary<string, string>(StringComparer.Ordinal);
            var features = new List<string>();
            if (m.Children.TryGetValue(new YamlScalarNode("scenario"), out YamlNode? sc) && sc is YamlMappingNode sm)
            {
                foreach (var kv in sm.Children)
                {
                    string key = ((YamlScalarNode)kv.Key).Value!;
                    if (kv.Value is YamlSequenceNode seq && key == "features")
                    {
                        features.AddRange(seq.OfType<YamlScalarNode>().Select(x => x.Value!));
                    }
                    else if (kv.Value is YamlScalarNode v && v.Value is { } text)
                    {
                        scenario[key] = text;
                    }
                }
            }

            string use = Scalar(m, "use") ?? "fit";
            entries.Add(new MeasurementEntry
            {
                Id = id,
                Quantity = Scalar(m, "quantity") ?? throw new ScenarioException(file, (int)m.Start.Line, at + "quantity", "missing"),
                Value = Number(Need(m, "value", at), at + "value"),
                Unit = Scalar(m, "unit") ?? throw new ScenarioException(file, (int)m.Start.Line, at + "unit", "missing"),
                Statistic = Scalar(m, "statistic"),
                Cpu = Scalar(m, "cpu"),
                CpuMatch = Scalar(m, "cpu_match"),
                TscGhz = Scalar(m, "tsc_ghz") is { } g ? Number(m.Children[new YamlScalarNode("tsc_ghz")], at + "tsc_ghz") : null,
                Kernel = Scalar(m, "kernel"),
                Config = config,
                Scenario = scenario,
                Features = features,
                Citation = Scalar(m, "citation") ?? throw new ScenarioException(file, (int)m.Start.Line, at + "citation", "missing: every entry cites its source"),
                Url = Scalar(m, "url"),
                Verified = Scalar(m, "verified"),
                Note = Scalar(m, "note"),
                Use = use switch
                {
                    "fit" => EntryUse.Fit,
                    "bound" => EntryUse.Bound,
                    "fixed" => EntryUse.Fixed,
                    "context" => EntryUse.Context,
                    _ => throw new ScenarioException(file, (int)m.Start.Line, at + "use", $"'{use}' is not fit, bound, fixed or context"),
                },
                RelatedTarget = Scalar(m, "related_target"),
                Bound = Scalar(m, "bound") == "true",
                BoundKind = Scalar(m, "bound_kind"),
                Calibration = Scalar(m, "calibration") == "true",
                Line = (int)m.Start.Line,
            });
        }

        string? sameAs = Scalar(root, "same_microarchitecture_as");
        string? sameWhy = Scalar(root, "same_microarchitecture_reason");
        if (sameAs is not null && sameWhy is null)
        {
            throw new ScenarioException(file, (int)root.Children[new YamlScalarNode("same_microarchitecture_as")].Start.Line, "same_microarchitecture_reason",
                "missing: a catalog that takes another platform's entries as its own says why they carry over");
        }

        if (sameAs is not null && sameAs == Scalar(root, "platform"))
        {
            throw new ScenarioException(file, (int)root.Children[new YamlScalarNode("same_microarchitecture_as")].Start.Line, "same_microarchitecture_as",
                $"'{sameAs}' is this catalog's own platform");
        }

        return new MeasurementCatalog
        {
            File = file,
            SameMicroarchitectureAs = sameAs,
            SameMicroarchitectureReason = sameWhy,
            Platform = Scalar(root, "platform"),
            Cpu = Scalar(root, "cpu"),
            TscGhz = Scalar(root, "tsc_ghz") is not null ? Number(root.Children[new YamlScalarNode("tsc_ghz")], "tsc_ghz") : 0,
            Entries = entries,
        };
    }
}
