using KvmLab.Engine.Time;

namespace KvmLab.Engine.Tracing;

/// <summary>
/// Where a run's timeline goes. The model checks <see cref="Enabled"/> before building names
/// or arguments, so a run without a trace pays nothing for it.
/// </summary>
public interface ITraceSink
{
    bool Enabled { get; }

    /// <summary>Names a track and its group; call once per track before using it.</summary>
    void DefineTrack(TraceTrack track, string processName, string threadName);

    /// <summary>A span that has ended: [start, start + duration).</summary>
    void Slice(TraceTrack track, string name, string category, SimTime start, SimSpan duration, IReadOnlyList<KeyValuePair<string, string>>? args = null);

    void Instant(TraceTrack track, string name, string category, SimTime at);

    void Counter(int processId, string name, SimTime at, double value);
}
