using KvmLab.Model.Storage;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Tests;

public class FioParametersTests
{
    private const string File = "fio.yaml";

    private static string Yaml(string workloadLines) => $"""
        name: f
        duration: 4ms
        warmup: 1ms
        vms:
          - vcpus: 1
            pin: true
        workload:
          type: fio
        {workloadLines}
        """;

    public static TheoryData<string> FioScenarioFiles => ["fio-iothread.yaml", "nvme-ladder-17us.yaml", "nvme-ladder-qd8.yaml"];

    [Theory]
    [MemberData(nameof(FioScenarioFiles))]
    public void ShippedFioScenarios_LoadAndRun(string fileName)
    {
        ScenarioSpec spec = ScenarioLoader.LoadFile(RepoPaths.Scenario(fileName));
        RunResult r = ScenarioRunner.Run(spec);
        Assert.Equal("iops", r.PrimaryMetric);
        Assert.True(r.Metric("iops") > 10_000);
        Assert.Equal(r.Metric("lat_mean"), r.Metric("phase_sum"), precision: 6);
    }

    [Fact]
    public void ConfigThenOverrides_BuildTheStorageConfig()
    {
        ScenarioSpec spec = ScenarioLoader.Parse(Yaml("  config: userspace-nvme\n  io_poll: true\n  iodepth: 4\n  device: samsung-970-evo-plus-write\n  iothread_node: 1"), File);
        var w = Assert.IsType<FioWorkload>(WorkloadFactory.Create(spec.Workload, File));
        Assert.Equal(StoragePath.VirtioBlk, w.Config.Path);
        Assert.True(w.Config.IoThread);
        Assert.Equal(QemuBackend.UserspaceNvme, w.Config.Backend);
        Assert.True(w.Config.IoPoll);
        Assert.Equal(1, w.Config.IoThreadNode);
        Assert.Equal(4, w.Job.IoDepth);
        Assert.Equal(NvmeDevices.Samsung970EvoPlusWrite, w.Device);
    }

    [Fact]
    public void NullCoAndNotifyMe_Keys_BuildTheStorageConfig()
    {
        ScenarioSpec spec = ScenarioLoader.Parse(Yaml("  config: iothread\n  backend: null-co\n  null_latency_ns: 5000\n  aio_notify_me_polling: true"), File);
        var w = Assert.IsType<FioWorkload>(WorkloadFactory.Create(spec.Workload, File));
        Assert.Equal(QemuBackend.NullCo, w.Config.Backend);
        Assert.Equal(5000, w.Config.NullLatencyNs);
        Assert.True(w.Config.AioNotifyMePolling);
    }

    [Fact]
    public void EveryNamedConfig_Parses()
    {
        foreach (var (name, cfg) in FioParameters.Configs)
        {
            ScenarioSpec spec = ScenarioLoader.Parse(Yaml($"  config: {name}"), File);
            var w = Assert.IsType<FioWorkload>(WorkloadFactory.Create(spec.Workload, File));
            Assert.Equal(cfg, w.Config);
        }
    }

    [Theory]
    [InlineData("  config: warp-drive", "workload.config")]
    [InlineData("  iodepth: 0", "workload.iodepth")]
    [InlineData("  backend: native\n  polled_queues: true", "workload.polled_queues")]
    [InlineData("  aio_fastpath: true", "workload.aio_fastpath")]
    [InlineData("  io_poll: maybe", "workload.io_poll")]
    [InlineData("  device: floppy", "workload.device")]
    [InlineData("  runtime: soon", "workload.runtime")]
    [InlineData("  device_latency: -3us", "workload.device_latency")]
    [InlineData("  rw: randtrim", "workload.rw")]
    [InlineData("  backend: null-co\n  path: vfio", "workload.backend")]
    [InlineData("  null_latency_ns: 1000", "workload.null_latency_ns")]
    [InlineData("  backend: null-co\n  null_latency_ns: -1", "workload.null_latency_ns")]
    [InlineData("  config: aio-native\n  aio_notify_me_polling: true", "workload.aio_notify_me_polling")]
    public void BadValues_NameFileLineAndKey(string lines, string key)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(Yaml(lines), File));
        Assert.Equal(File, e.File);
        Assert.Equal(key, e.Key);
        Assert.True(e.Line >= 9);
    }

    [Fact]
    public void DeviceLatency_ShorterThanHostPath_IsRefusedAtLoad()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(Yaml("  device_latency: 2us"), File));
        Assert.Equal("workload.device_latency", e.Key);
        Assert.Equal(9, e.Line);
        Assert.Contains("host software path", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceLatency_Overrides_ThePreset()
    {
        RunResult a = ScenarioRunner.Run(ScenarioLoader.Parse(Yaml("  device_latency: 8.9us"), File));
        RunResult b = ScenarioRunner.Run(ScenarioLoader.Parse(Yaml("  device_latency: 18.9us"), File));
        Assert.Equal(10, b.Metric("device_service_mean") - a.Metric("device_service_mean"), precision: 6);
    }
}
