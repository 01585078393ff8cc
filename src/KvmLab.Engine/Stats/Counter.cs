namespace KvmLab.Engine.Stats;

/// <summary>A monotonically increasing event count.</summary>
public sealed class Counter(string name)
{
    public string Name { get; } = name;

    public long Value { get; private set; }

    public void Increment() => Value++;

    public void Add(long n) => Value += n;
}
