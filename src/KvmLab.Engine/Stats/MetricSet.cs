using KvmLab.Engine.Time;

namespace KvmLab.Engine.Stats;

/// <summary>
/// The named metrics of one run, kept in creation order so reports list them the same way
/// every time (no unordered-collection iteration, ARCHITECTURE.md "Determinism").
/// </summary>
public sealed class MetricSet
{
    private readonly Dictionary<string, object> _byName = new(StringComparer.Ordinal);
    private readonly List<object> _ordered = [];

    public IReadOnlyList<object> All => _ordered;

    public LatencyHistogram Histogram(string name) => GetOrAdd(name, () => new LatencyHistogram(name));

    public Counter Counter(string name) => GetOrAdd(name, () => new Counter(name));

    public TimeWeightedGauge Gauge(string name, SimTime start) => GetOrAdd(name, () => new TimeWeightedGauge(name, start));

    public bool TryGet<T>(string name, out T? metric)
        where T : class
    {
        if (_byName.TryGetValue(name, out object? m) && m is T typed)
        {
            metric = typed;
            return true;
        }

        metric = null;
        return false;
    }

    private T GetOrAdd<T>(string name, Func<T> create)
        where T : class
    {
        if (_byName.TryGetValue(name, out object? existing))
        {
            return existing as T ?? throw new InvalidOperationException(
                $"Metric '{name}' already exists as {existing.GetType().Name}, not {typeof(T).Name}.");
        }

        T made = create();
        _byName.Add(name, made);
        _ordered.Add(made);
        return made;
    }
}
