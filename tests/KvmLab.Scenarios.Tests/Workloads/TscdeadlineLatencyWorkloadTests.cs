using KvmLab.Scenarios;

namespace KvmLab.Scenarios.Tests.Workloads;

/// <summary>tscdeadline_latency.flat in the model: the ISR re-arms the timer, every sample is taken, and a timer advance pulls the latency down.</summary>
public class TscdeadlineLatencyWorkloadTests
{
    private static RunResult Run(long advanceNs) => ScenarioRunner.Run(ScenarioLoader.Parse($"""
        name: tscdeadline-latency
        seed: 7
        duration: 50ms
        profile: skylake-sp-2020
        kvm:
          lapic_timer_advance_ns: {advanceNs}
        machine:
          pcpus: 2
        features: [apicv, halt-polling, hlt-exits, preemption-timer]
        vms:
          - vcpus: 1
            pin: true
            guest:
              kernel: kvm-unit-tests
              apic: x2apic
        workload:
          type: tscdeadline-latency
          size: 200
        """));

    [Fact]
    public void TakesEverySample_AndReportsAPositiveMeanWithoutAdvance()
    {
        RunResult r = Run(0);

        Assert.Equal(200, r.Metric("hits"));
        Assert.True(r.Metric("mean") > 0);
        Assert.True(r.Metric("min") <= r.Metric("mean") && r.Metric("mean") <= r.Metric("max"));
    }

    [Fact]
    public void ATimerAdvance_LowersTheLatency() => Assert.True(Run(2000).Metric("mean") < Run(0).Metric("mean"));
}
