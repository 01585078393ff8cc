using KvmLab.Engine.Time;

namespace KvmLab.Engine.Tracing;

/// <summary>The sink of a run that is not traced.</summary>
public sealed class NullTraceSink : ITraceSink
{
    public static readonly NullTraceSink Instance = new();

    private NullTraceSink()
    {
    }

    public bool Enabled => false;

    public void DefineTrack(TraceTrack track, string processName, string threadName)
    {
    }

    public void Slice(TraceTrack track, string name, string category, SimTime start, SimSpan duration, IReadOnlyList<KeyValuePair<string, string>>? args = null)
    {
    }

    public void Instant(TraceTrack track, string name, string category, SimTime at)
    {
    }

    public void Counter(int processId, string name, SimTime at, double value)
    {
    }
}
