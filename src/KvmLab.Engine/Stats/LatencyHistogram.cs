using HdrHistogram;

namespace KvmLab.Engine.Stats;

/// <summary>
/// A latency distribution in nanoseconds: HdrHistogram for percentiles (3 significant digits,
/// 1 ns to 1000 s) plus an exact count, sum, minimum and maximum.
/// </summary>
public sealed class LatencyHistogram
{
    private const long HighestTrackableNs = 1_000_000_000_000;
    private readonly LongHistogram _hdr = new(1, HighestTrackableNs, 3);
    private double _sum;

    public LatencyHistogram(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public long Count { get; private set; }

    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    /// <summary>The smallest sample; 0 while there are none.</summary>
    public long MinNs => Count == 0 ? 0 : _min;

    /// <summary>The largest sample; 0 while there are none.</summary>
    public long MaxNs => Count == 0 ? 0 : _max;

    public double MeanNs => Count == 0 ? double.NaN : _sum / Count;

    public void Record(long ns)
    {
        if (ns < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ns), $"Latency '{Name}' cannot be negative ({ns} ns).");
        }

        _hdr.RecordValue(Math.Clamp(ns, 1, HighestTrackableNs));
        _sum += ns;
        Count++;
        _min = Math.Min(_min, ns);
        _max = Math.Max(_max, ns);
    }

    /// <summary>The value at a percentile in [0, 100]; exact for 0 and 100.</summary>
    public long Percentile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        if (p <= 0)
        {
            return MinNs;
        }

        if (p >= 100)
        {
            return MaxNs;
        }

        return Math.Clamp(_hdr.GetValueAtPercentile(p), MinNs, MaxNs);
    }
}
