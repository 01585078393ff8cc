using System.Globalization;
using System.Text;
using System.Text.Json;
using KvmLab.Scenarios;

namespace KvmLab.Sweeps;

/// <summary>
/// The append-only record of finished points: one JSON object per line, each line written whole
/// and flushed to disk (fsync) before the next point is counted as done. On open, a torn last line
/// (a process killed mid-write) is cut off, so that point simply runs again; nothing finished is
/// lost and nothing is recorded twice. The file is held exclusively while open, so two processes
/// cannot append to the same journal.
/// </summary>
public sealed class ResultJournal : IDisposable
{
    private readonly FileStream _stream;
    private readonly Lock _gate = new();
    private bool _sealed;

    private ResultJournal(FileStream stream, IReadOnlyList<PointResult> existing, bool repaired)
    {
        _stream = stream;
        Existing = existing;
        RepairedTornLine = repaired;
    }

    /// <summary>Points finished before this open, in journal order.</summary>
    public IReadOnlyList<PointResult> Existing { get; }

    /// <summary>True when the last line was incomplete and was cut off.</summary>
    public bool RepairedTornLine { get; }

    public static ResultJournal Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(path))
        {
            // FileShare.None is an exclusive lock (flock on Linux): another process has the journal open.
            throw new ScenarioException($"{path}: in use by another kvmlab process (a sweep into the same --out, or a shard of it, is still running): {e.Message}", e);
        }

        try
        {
            byte[] bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            var rows = new List<PointResult>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            long good = 0;
            int lineNo = 0;
            bool repaired = false;
            while (good < bytes.Length)
            {
                int nl = Array.IndexOf(bytes, (byte)'\n', (int)good);
                lineNo++;
                if (nl < 0)
                {
                    repaired = true; // torn: the writer died before the newline
                    break;
                }

                PointResult? row = TryParse(bytes.AsSpan((int)good, nl - (int)good));
                if (row is null)
                {
                    if (nl == bytes.Length - 1)
                    {
                        repaired = true; // a damaged last line: treat as torn
                        break;
                    }

                    throw new ScenarioException($"{path}:{lineNo}: journal: a damaged line in the middle of the journal; move the file away to start again");
                }

                if (seen.Add(row.PointId))
                {
                    rows.Add(row);
                }

                good = nl + 1;
            }

            if (good < bytes.Length)
            {
                stream.SetLength(good);
                stream.Flush(flushToDisk: true);
            }

            stream.Seek(0, SeekOrigin.End);
            return new ResultJournal(stream, rows, repaired);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends one finished point and flushes it to disk before returning; false (nothing written) once sealed. Thread-safe.</summary>
    public bool Append(PointResult r)
    {
        byte[] line = Serialize(r);
        lock (_gate)
        {
            if (_sealed)
            {
                return false;
            }

            _stream.Write(line);
            _stream.Flush(flushToDisk: true);
            return true;
        }
    }

    /// <summary>
    /// Accepts no more points: a sweep abandoned with points still running seals the journal so a
    /// point that finishes afterwards is dropped whole, never written half or after the file closes.
    /// </summary>
    public void Seal()
    {
        lock (_gate)
        {
            _sealed = true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _sealed = true;
            _stream.Dispose();
        }
    }

    internal static byte[] Serialize(PointResult r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("point_id", r.PointId);
            w.WriteNumber("point", r.Index);
            w.WriteNumber("replication", r.Replication);
            w.WriteNumber("seed", r.Seed);
            w.WriteString("scenario", r.Scenario);
            w.WriteString("scenario_hash", r.ScenarioHash);
            w.WriteString("version", r.Version);
            w.WriteStartArray("parameters");
            foreach (var (k, v) in r.Parameters)
            {
                w.WriteStartArray();
                w.WriteStringValue(k);
                w.WriteStringValue(v);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("metrics");
            foreach (var (k, v) in r.Metrics)
            {
                w.WriteStartArray();
                w.WriteStringValue(k);
                if (double.IsFinite(v))
                {
                    w.WriteNumberValue(v);
                }
                else
                {
                    w.WriteStringValue(v.ToString("R", CultureInfo.InvariantCulture)); // NaN, Infinity
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    internal static PointResult? TryParse(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            JsonElement o = doc.RootElement;
            return new PointResult
            {
                PointId = o.GetProperty("point_id").GetString()!,
                Index = o.GetProperty("point").GetInt32(),
                Replication = o.GetProperty("replication").GetInt32(),
                Seed = o.GetProperty("seed").GetUInt64(),
                Scenario = o.GetProperty("scenario").GetString()!,
                ScenarioHash = o.GetProperty("scenario_hash").GetString()!,
                Version = o.GetProperty("version").GetString()!,
                Parameters = [.. o.GetProperty("parameters").EnumerateArray().Select(p => new KeyValuePair<string, string>(p[0].GetString()!, p[1].GetString()!))],
                Metrics = [.. o.GetProperty("metrics").EnumerateArray().Select(p => new KeyValuePair<string, double>(p[0].GetString()!,
                    p[1].ValueKind == JsonValueKind.String ? double.Parse(p[1].GetString()!, CultureInfo.InvariantCulture) : p[1].GetDouble()))],
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException or ArgumentException)
        {
            return null;
        }
    }

    internal static string Text(PointResult r) => Encoding.UTF8.GetString(Serialize(r));
}
