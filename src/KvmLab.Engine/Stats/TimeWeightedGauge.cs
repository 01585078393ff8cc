using KvmLab.Engine.Time;

namespace KvmLab.Engine.Stats;

/// <summary>
/// A level that changes at instants (runnable threads, busy pCPUs): integrates value x time so
/// its mean over a window is exact, not sampled.
/// </summary>
public sealed class TimeWeightedGauge(string name, SimTime start)
{
    private double _integral;
    private SimTime _lastChange = start;
    private readonly SimTime _start = start;

    public string Name { get; } = name;

    public double Value { get; private set; }

    public double Max { get; private set; }

    public void Set(SimTime now, double value)
    {
        _integral += Value * (now - _lastChange).Ns;
        _lastChange = now;
        Value = value;
        Max = Math.Max(Max, value);
    }

    public void Add(SimTime now, double delta) => Set(now, Value + delta);

    public double Mean(SimTime now)
    {
        long window = (now - _start).Ns;
        if (window <= 0)
        {
            return Value;
        }

        return (_integral + Value * (now - _lastChange).Ns) / window;
    }
}
