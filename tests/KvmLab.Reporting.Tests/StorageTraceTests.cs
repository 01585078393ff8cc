using System.Text.Json;
using KvmLab.Engine.Time;
using KvmLab.Scenarios;

namespace KvmLab.Reporting.Tests;

/// <summary>
/// A `fio` run's trace shows the storage path on the shared machine (issue 12): QEMU's thread on
/// its own track (polling, sleeping, the virtio-blk and block-layer work), each of the drive's
/// channels as a track with every command from its start to its CQE, the completion interrupts on
/// the pCPUs' interrupt tracks, and the kick as an EPT_MISCONFIG exit on the vCPU's track.
/// </summary>
public class StorageTraceTests
{
    private static Dictionary<string, List<(string Name, double Ts, double Dur)>> Tracks(string scenario, string? config = null)
    {
        ScenarioSpec spec = ScenarioLoader.LoadFile(RepoPaths.Scenario(scenario)) with { Duration = SimSpan.FromMilliseconds(3), Warmup = SimSpan.FromMilliseconds(1) };
        if (config is not null)
        {
            var p = new Dictionary<string, ScalarValue>(spec.Workload.Parameters) { ["config"] = new(config, 0) };
            spec = spec with { Workload = spec.Workload with { Parameters = p } };
        }

        using var ms = new MemoryStream();
        using (var writer = new PerfettoTraceWriter(ms))
        {
            ScenarioRunner.Run(spec, trace: writer);
            writer.Close();
        }

        using JsonDocument doc = JsonDocument.Parse(ms.ToArray());
        var processes = new Dictionary<int, string>();
        var threads = new Dictionary<(int, int), string>();
        var slices = new List<(int Pid, int Tid, string Name, double Ts, double Dur)>();
        foreach (JsonElement ev in doc.RootElement.GetProperty("traceEvents").EnumerateArray())
        {
            int pid = ev.GetProperty("pid").GetInt32();
            int tid = ev.GetProperty("tid").GetInt32();
            string name = ev.GetProperty("name").GetString()!;
            switch (ev.GetProperty("ph").GetString())
            {
                case "M" when name == "process_name":
                    processes[pid] = ev.GetProperty("args").GetProperty("name").GetString()!;
                    break;
                case "M" when name == "thread_name":
                    threads[(pid, tid)] = ev.GetProperty("args").GetProperty("name").GetString()!;
                    break;
                case "X":
                    slices.Add((pid, tid, name, ev.GetProperty("ts").GetDouble(), ev.GetProperty("dur").GetDouble()));
                    break;
            }
        }

        var tracks = threads.ToDictionary(t => $"{processes[t.Key.Item1]}/{t.Value}", _ => new List<(string, double, double)>());
        foreach (var s in slices)
        {
            tracks[$"{processes[s.Pid]}/{threads[(s.Pid, s.Tid)]}"].Add((s.Name, s.Ts, s.Dur));
        }

        return tracks;
    }

    [Fact]
    public void IoThreadRun_ShowsQemuTheDeviceAndTheCompletionInterrupt()
    {
        var tracks = Tracks("fio-iothread.yaml");

        List<(string Name, double Ts, double Dur)> io = tracks["QEMU/iothread0"];
        Assert.Contains(io, s => s.Name == "polling");
        Assert.Contains(io, s => s.Name == "sleeping");
        Assert.Contains(io, s => s.Name == "virtio-blk + block layer");
        Assert.Contains(io, s => s.Name == "io_submit (host kernel)");
        Assert.Contains(io, s => s.Name == "complete + virtqueue_push");
        Assert.Contains(io, s => s.Name == "irqfd write");

        Assert.True(tracks["devices/nvme0 channel 0"].Count(s => s.Name.StartsWith("cmd ", StringComparison.Ordinal)) > 50);
        Assert.True(tracks.Where(t => t.Key.EndsWith(" interrupts", StringComparison.Ordinal)).Sum(t => t.Value.Count(s => s.Name == "irq: nvme0 (aio)")) > 50);
        Assert.Contains(tracks["VM 0/vCPU 0"], s => s.Name == "exit: EPT_MISCONFIG (ioeventfd)");

        // Every track is flat: its slices do not overlap.
        foreach (var (name, list) in tracks)
        {
            var sorted = list.OrderBy(s => s.Ts).ToList();
            for (int i = 1; i < sorted.Count; i++)
            {
                Assert.True(sorted[i].Ts >= sorted[i - 1].Ts + sorted[i - 1].Dur - 1e-6, $"{name}: {sorted[i - 1]} overlaps {sorted[i]}");
            }
        }
    }

    [Fact]
    public void UserspaceNvmeRun_ShowsTheVfioInterruptStealingTheIoThreadsCpu()
    {
        var tracks = Tracks("fio-iothread.yaml", "userspace-nvme");
        Assert.Contains(tracks["QEMU/iothread0"], s => s.Name == "block/nvme submit");
        Assert.True(tracks.Where(t => t.Key.EndsWith(" interrupts", StringComparison.Ordinal)).Sum(t => t.Value.Count(s => s.Name == "irq: vfio-msix")) > 50);
    }
}
