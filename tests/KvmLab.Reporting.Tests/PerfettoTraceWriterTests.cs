using System.Globalization;
using System.Text.Json;
using KvmLab.Engine.Time;
using KvmLab.Scenarios;

namespace KvmLab.Reporting.Tests;

/// <summary>
/// The Chrome trace-event "JSON Object Format" that ui.perfetto.dev and chrome://tracing load:
/// {"traceEvents": [...]}, metadata ("M") events name processes and threads, complete ("X")
/// events carry ts and dur in microseconds, and slices on one thread track must nest or not
/// overlap (the model's tracks are flat, so they must not overlap).
/// </summary>
public class PerfettoTraceWriterTests
{
    private static readonly string[] MetadataNames = ["process_name", "thread_name", "process_sort_index", "thread_sort_index"];

    private static ScenarioSpec Spec() =>
        ScenarioLoader.LoadFile(RepoPaths.Scenario("kut-ipi.yaml")) with { Duration = SimSpan.FromMilliseconds(2) };

    private static (byte[] Trace, string Json) RunTraced()
    {
        using var ms = new MemoryStream();
        RunResult r;
        using (var writer = new PerfettoTraceWriter(ms))
        {
            r = ScenarioRunner.Run(Spec(), trace: writer);
            writer.Close();
        }

        return (ms.ToArray(), JsonResults.Run(r));
    }

    [Fact]
    public void Trace_IsWellFormedTraceEventJson()
    {
        var (bytes, _) = RunTraced();
        using JsonDocument doc = JsonDocument.Parse(bytes);
        JsonElement root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        JsonElement events = root.GetProperty("traceEvents");
        Assert.Equal(JsonValueKind.Array, events.ValueKind);

        var threadNames = new List<string>();
        var slices = new Dictionary<(int Pid, int Tid), List<(double Ts, double Dur)>>();
        int xCount = 0;
        foreach (JsonElement ev in events.EnumerateArray())
        {
            string ph = ev.GetProperty("ph").GetString()!;
            int pid = ev.GetProperty("pid").GetInt32();
            switch (ph)
            {
                case "M":
                    int mtid = ev.GetProperty("tid").GetInt32();
                    string name = ev.GetProperty("name").GetString()!;
                    Assert.Contains(name, MetadataNames);
                    if (name is "process_name" or "thread_name")
                    {
                        string label = ev.GetProperty("args").GetProperty("name").GetString()!;
                        Assert.False(string.IsNullOrEmpty(label));
                        if (name == "thread_name")
                        {
                            threadNames.Add(label);
                        }
                    }

                    Assert.True(mtid >= 0);
                    break;
                case "X":
                    xCount++;
                    int tid = ev.GetProperty("tid").GetInt32();
                    Assert.False(string.IsNullOrEmpty(ev.GetProperty("name").GetString()));
                    double ts = ev.GetProperty("ts").GetDouble();
                    double dur = ev.GetProperty("dur").GetDouble();
                    Assert.True(ts >= 0, $"ts {ts}");
                    Assert.True(dur >= 0, $"dur {dur}");
                    if (!slices.TryGetValue((pid, tid), out var list))
                    {
                        slices[(pid, tid)] = list = [];
                    }

                    list.Add((ts, dur));
                    break;
                default:
                    // Instants and counters still need numeric ts.
                    Assert.Equal(JsonValueKind.Number, ev.GetProperty("ts").ValueKind);
                    break;
            }
        }

        Assert.True(xCount > 0);

        // A track per vCPU of the 2-vCPU VM and per pCPU of the 4-pCPU host.
        Assert.Contains("vCPU 0", threadNames);
        Assert.Contains("vCPU 1", threadNames);
        for (int p = 0; p < 4; p++)
        {
            Assert.Contains($"pCPU {p}", threadNames);
        }

        foreach (var ((pid, tid), list) in slices)
        {
            var sorted = list.OrderBy(s => s.Ts).ThenBy(s => s.Dur).ToList();
            for (int i = 1; i < sorted.Count; i++)
            {
                double prevEnd = sorted[i - 1].Ts + sorted[i - 1].Dur;
                Assert.True(sorted[i].Ts >= prevEnd - 0.0005,
                    string.Create(CultureInfo.InvariantCulture, $"track ({pid},{tid}): slice at {sorted[i].Ts} overlaps previous ending {prevEnd}"));
            }
        }
    }

    [Fact]
    public void SameScenarioTwice_GivesByteIdenticalTraceAndJson()
    {
        var (traceA, jsonA) = RunTraced();
        var (traceB, jsonB) = RunTraced();
        Assert.Equal(traceA, traceB);
        Assert.Equal(jsonA, jsonB);
    }

    [Fact]
    public void Writer_FormatsMicrosecondsWithThreeDecimals()
    {
        using var ms = new MemoryStream();
        using (var w = new PerfettoTraceWriter(ms))
        {
            var track = new Engine.Tracing.TraceTrack(1, 2);
            w.DefineTrack(track, "VM 0", "vCPU 2");
            w.Slice(track, "guest", "vcpu", new SimTime(1_234_567), new SimSpan(5));
        }

        using JsonDocument doc = JsonDocument.Parse(ms.ToArray());
        JsonElement x = doc.RootElement.GetProperty("traceEvents").EnumerateArray().Single(e => e.GetProperty("ph").GetString() == "X");
        Assert.Equal("1234.567", x.GetProperty("ts").GetRawText());
        Assert.Equal("0.005", x.GetProperty("dur").GetRawText());
        Assert.Equal(1, x.GetProperty("pid").GetInt32());
        Assert.Equal(2, x.GetProperty("tid").GetInt32());
    }
}
