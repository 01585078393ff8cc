using System.Globalization;
using KvmLab.Scenarios;

namespace KvmLab.Scenarios.Tests.Physics;

/// <summary>
/// The host tick (kernel/time/tick-sched.c): with CONFIG_NO_HZ_IDLE every busy CPU takes HZ ticks
/// and a vCPU in guest mode exits for each (EXTERNAL_INTERRUPT); nohz_full stops the tick on a CPU
/// that runs one task; an idle CPU never ticks.
/// </summary>
public class HostTickTests
{
    private static double ExternalInterruptsPerS(int hostHz, bool nohzFull, string workload = "pbzip2")
    {
        string yaml = string.Create(CultureInfo.InvariantCulture, $"""
            name: tick
            duration: 400ms
            warmup: 100ms
            machine: {"{"} pcpus: 2, host_hz: {hostHz}, nohz_full: {(nohzFull ? "true" : "false")} {"}"}
            vms:
              - vcpus: 1
                pin: true
            workload:
              type: {workload}
            """);
        return ScenarioRunner.Run(ScenarioLoader.Parse(yaml, "tick.yaml")).Metric("exits_per_s.ExternalInterrupt");
    }

    [Theory]
    [InlineData(250)]
    [InlineData(1000)]
    public void BusyVcpu_ExitsOncePerHostTick(int hz)
    {
        // One consumer computing on one vCPU: its pCPU is busy all the time. The rate is per second
        // of the whole run (the first ticks come as the vCPU starts), so within a few percent of HZ.
        Assert.InRange(ExternalInterruptsPerS(hz, nohzFull: false), hz * 0.95, hz * 1.05);
    }

    [Fact]
    public void NohzFull_OneTaskPerCpu_NoTickExits()
    {
        Assert.Equal(0, ExternalInterruptsPerS(1000, nohzFull: true));
    }

    [Fact]
    public void HaltedVcpu_ItsIdleCpuDoesNotTick()
    {
        // cyclictest at 1 ms: the vCPU halts between periods, the pCPU idles and its tick stops;
        // the few ticks left land in the microseconds the vCPU runs.
        Assert.True(ExternalInterruptsPerS(250, nohzFull: false, "cyclictest") < 25);
    }
}
