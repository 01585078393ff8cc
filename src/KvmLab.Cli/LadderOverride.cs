using KvmLab.Experiments;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

/// <summary>
/// `reproduce &lt;ladder&gt; --scenario FILE`: the file's workload keys (all but 'config') replace each
/// variant's, and its duration and warm-up replace the variant's, so the same ladder runs on another
/// drive, depth or block size. When that changes any key, the published values no longer apply.
/// </summary>
internal sealed class LadderOverride
{
    private readonly ScenarioSpec _file;
    private readonly string _path;

    private LadderOverride(ScenarioSpec file, string path)
    {
        _file = file;
        _path = path;
    }

    public static LadderOverride Load(string path)
    {
        ScenarioSpec spec = ScenarioLoader.LoadFile(path);
        if (spec.Workload.Type != "fio")
        {
            throw new ScenarioProblem("workload.type", $"--scenario for a ladder needs a 'fio' workload, not '{spec.Workload.Type}'").ToException(spec);
        }

        return new LadderOverride(spec, path);
    }

    private IEnumerable<KeyValuePair<string, ScalarValue>> Keys => _file.Workload.Parameters.Where(kv => kv.Key != "config");

    public ScenarioSpec Apply(ScenarioSpec variant)
    {
        var merged = new Dictionary<string, ScalarValue>(variant.Workload.Parameters, StringComparer.Ordinal);
        foreach (var (k, v) in Keys)
        {
            merged[k] = v;
        }

        return variant with
        {
            Name = variant.Name + "@" + _file.Name,
            Duration = _file.Duration,
            Warmup = _file.Warmup,
            Workload = variant.Workload with { Parameters = merged },
        };
    }

    /// <summary>What differs from the published setup, or null when nothing does.</summary>
    public string? Describe(Experiment e)
    {
        IReadOnlyDictionary<string, ScalarValue> original = e.Variants[0].Scenario.Workload.Parameters;
        var changed = Keys
            .Where(kv => !original.TryGetValue(kv.Key, out ScalarValue? o) || o.Text != kv.Value.Text)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={(kv.Value.Items is null ? kv.Value.Text : "[" + string.Join(", ", kv.Value.Items) + "]")}")
            .ToList();
        return changed.Count == 0 ? null : $"{_path}: {string.Join(", ", changed)}";
    }
}
