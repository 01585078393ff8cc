using System.Globalization;
using System.Text;
using System.Text.Json;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;

namespace KvmLab.Reporting;

/// <summary>
/// Streams a run's timeline as Chrome trace-event JSON (the "JSON Object Format" that the Perfetto
/// UI and chrome://tracing load): {"traceEvents":[...],"displayTimeUnit":"ns"}. Tracks are
/// (pid, tid) pairs named with process_name / thread_name metadata events; spans are complete
/// ("X") events with ts and dur in microseconds, written with three decimals (nanoseconds).
/// Output is byte-for-byte deterministic: fixed property order, invariant formatting.
/// </summary>
public sealed class PerfettoTraceWriter : ITraceSink, IDisposable
{
    private readonly Utf8JsonWriter _json;
    private readonly Stream _stream;
    private readonly HashSet<int> _namedProcesses = [];
    private bool _closed;

    public PerfettoTraceWriter(Stream stream)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, SkipValidation = false });
        _json.WriteStartObject();
        _json.WriteString("displayTimeUnit", "ns");
        _json.WriteStartArray("traceEvents");
    }

    public bool Enabled => true;

    public void DefineTrack(TraceTrack track, string processName, string threadName)
    {
        if (_namedProcesses.Add(track.ProcessId))
        {
            Metadata("process_name", track.ProcessId, 0, processName);
            Metadata("process_sort_index", track.ProcessId, 0, null, track.ProcessId);
        }

        Metadata("thread_name", track.ProcessId, track.ThreadId, threadName);
        Metadata("thread_sort_index", track.ProcessId, track.ThreadId, null, track.ThreadId);
    }

    public void Slice(TraceTrack track, string name, string category, SimTime start, SimSpan duration, IReadOnlyList<KeyValuePair<string, string>>? args = null)
    {
        _json.WriteStartObject();
        _json.WriteString("name", name);
        _json.WriteString("cat", category);
        _json.WriteString("ph", "X");
        WriteMicros("ts", start.Ns);
        WriteMicros("dur", duration.Ns);
        _json.WriteNumber("pid", track.ProcessId);
        _json.WriteNumber("tid", track.ThreadId);
        if (args is { Count: > 0 })
        {
            _json.WriteStartObject("args");
            foreach (var (k, v) in args)
            {
                _json.WriteString(k, v);
            }

            _json.WriteEndObject();
        }

        _json.WriteEndObject();
        FlushWhenFull();
    }

    public void Instant(TraceTrack track, string name, string category, SimTime at)
    {
        _json.WriteStartObject();
        _json.WriteString("name", name);
        _json.WriteString("cat", category);
        _json.WriteString("ph", "i");
        _json.WriteString("s", "t");
        WriteMicros("ts", at.Ns);
        _json.WriteNumber("pid", track.ProcessId);
        _json.WriteNumber("tid", track.ThreadId);
        _json.WriteEndObject();
        FlushWhenFull();
    }

    public void Counter(int processId, string name, SimTime at, double value)
    {
        _json.WriteStartObject();
        _json.WriteString("name", name);
        _json.WriteString("ph", "C");
        WriteMicros("ts", at.Ns);
        _json.WriteNumber("pid", processId);
        _json.WriteStartObject("args");
        _json.WriteNumber("value", value);
        _json.WriteEndObject();
        _json.WriteEndObject();
        FlushWhenFull();
    }

    /// <summary>Ends the JSON document; the trace is valid only after this.</summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
        _stream.Flush();
    }

    public void Dispose()
    {
        Close();
        _json.Dispose();
    }

    /// <summary>
    /// Utf8JsonWriter keeps everything in memory until flushed: a 1 s trace of kut-ipi is 600 MB.
    /// Writing out every MiB keeps memory flat; the bytes are the same.
    /// </summary>
    private void FlushWhenFull()
    {
        if (_json.BytesPending >= 1 << 20)
        {
            _json.Flush();
        }
    }

    private void Metadata(string kind, int pid, int tid, string? name, int? sortIndex = null)
    {
        _json.WriteStartObject();
        _json.WriteString("name", kind);
        _json.WriteString("ph", "M");
        _json.WriteNumber("pid", pid);
        _json.WriteNumber("tid", tid);
        _json.WriteStartObject("args");
        if (name is not null)
        {
            _json.WriteString("name", name);
        }

        if (sortIndex is int s)
        {
            _json.WriteNumber("sort_index", s);
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    /// <summary>Nanoseconds as microseconds with exactly three decimals, with no float rounding.</summary>
    private void WriteMicros(string property, long ns)
    {
        var b = new StringBuilder();
        b.Append((ns / 1000).ToString(CultureInfo.InvariantCulture)).Append('.').Append((ns % 1000).ToString("D3", CultureInfo.InvariantCulture));
        _json.WritePropertyName(property);
        _json.WriteRawValue(b.ToString(), skipInputValidation: true);
    }
}
