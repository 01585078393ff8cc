namespace KvmLab.Scenarios.Tests;

/// <summary>
/// Each numeric key at the edges of its range: a value inside runs without an exception from the
/// model (the OverflowException class of bugs), a value just outside is a ScenarioException with
/// the key. Runs are 2 ms, and each passes the memory estimate at the default limit first, as `run` does.
/// </summary>
public class ExtremeValuesTests
{
    private static string Yaml(string workload, string vm = "", string top = "", string machine = "{ pcpus: 4 }") => $"""
        name: x
        duration: 2ms
        warmup: 0ms
        machine: {machine}
        {top}
        vms:
          - vcpus: 2
        {vm}
        workload:
        {workload}
        """;

    public static TheoryData<string, string, string, string> Inside => new()
    {
        { "  type: cyclictest\n  interval_us: 3600000000\n  distance_us: 3600000000\n  threads: 2\n  loops: 1000000000000", "", "", "{ pcpus: 4 }" },
        { "  type: cyclictest\n  interval_us: 1\n  priority: 99", "", "", "{ pcpus: 4 }" },
        { "  type: kut-ipi\n  iterations: 1000000000000", "", "kvm: { halt_poll_ns: 4294967295, lapic_timer_advance_ns: 5000 }", "{ pcpus: 4 }" },
        { "  type: kut-ipi", "    start_jitter: 1999999ns", "seed: 18446744073709551615", "{ pcpus: 4 }" },
        { "  type: ipi-send\n  period_us: 3600000000\n  sender: 1\n  target: 0", "", "", "{ pcpus: 4 }" },
        { "  type: ipi-send\n  period_us: 1", "", "", "{ pcpus: 4 }" },
        { "  type: memcached\n  threads: 2\n  connections: 1\n  network_us: 3600000000", "", "", "{ pcpus: 4 }" },
        { "  type: memcached\n  threads: 1\n  connections: 1000000\n  network_us: 0\n  set_ratio: \"1000000:0\"", "", "", "{ pcpus: 4 }" },
        { "  type: lock-stress\n  locks: 1\n  outside_us: 0\n  inside_us: 0", "", "", "{ pcpus: 4 }" },
        { "  type: lock-stress\n  locks: 100000\n  outside_us: 3600000000\n  inside_us: 3600000000", "", "", "{ pcpus: 4 }" },
        { "  type: hackbench\n  groups: 1\n  fds: 1\n  loops: 2147483647\n  datasize: 1073741824", "", "", "{ pcpus: 4 }" },
        { "  type: ebizzy\n  threads: 10000", "", "", "{ pcpus: 4 }" },
        { "  type: pbzip2\n  threads: 10000", "", "", "{ pcpus: 4 }" },
        { "  type: kut-ipi", "    guest: { hz: 10000 }", "", "{ pcpus: 4 }" },
        // Not iodepth 1024 with numjobs 64 together: 65,536 requests in flight run at ~10k events/s (2 ms in 10 s), a model speed issue, not an input one.
        { "  type: fio\n  device_latency: 1s\n  runtime: 3600s\n  iodepth: 1024\n  bs: 1048576\n  poll_max_ns: 1000000000", "", "", "{ pcpus: 4 }" },
        { "  type: fio\n  numjobs: 2\n  poll_grow: 1024\n  poll_shrink: 1024", "", "", "{ pcpus: 4 }" }, // numjobs is bounded by the VM (one job per vCPU): checked at load
        { "  type: kut-ipi", "", "", "{ pcpus: 4096, host_hz: 10000, host_hogs: 1000 }" },
    };

    [Theory]
    [MemberData(nameof(Inside))]
    public void ValuesAtTheEdge_Run(string workload, string vm, string top, string machine)
    {
        ScenarioSpec spec = ScenarioLoader.Parse(Yaml(workload, vm, top, machine), "x.yaml");
        MemoryEstimate.Check(spec, MemoryEstimate.DefaultLimitBytes);
        RunResult r = ScenarioRunner.Run(spec);
        Assert.True(r.SimulatedSeconds > 0);
    }

    [Theory]
    [InlineData("  type: cyclictest\n  interval_us: 3600000001", "workload.interval_us")]
    [InlineData("  type: cyclictest\n  loops: 1000000000001", "workload.loops")]
    [InlineData("  type: kut-ipi\n  iterations: 9223372036854775808", "workload.iterations")]
    [InlineData("  type: memcached\n  connections: 1000001", "workload.connections")]
    [InlineData("  type: lock-stress\n  locks: 0", "workload.locks")]
    [InlineData("  type: hackbench\n  datasize: 1073741825", "workload.datasize")]
    [InlineData("  type: fio\n  device_latency: 1.000000001s", "workload.device_latency")]
    [InlineData("  type: fio\n  runtime: 0ms", "workload.runtime")]
    [InlineData("  type: fio\n  iodepth: 1025", "workload.iodepth")]
    [InlineData("  type: ebizzy\n  threads: 1000001", "workload.threads")]
    public void ValuesJustOutside_AreRefusedWithTheirKey(string workload, string key)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(Yaml(workload), "x.yaml"));
        Assert.Equal(key, e.Key);
    }
}
