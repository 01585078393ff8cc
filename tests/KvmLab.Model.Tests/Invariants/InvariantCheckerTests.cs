using KvmLab.Engine.Invariants;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Invariants;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Invariants;

/// <summary>
/// The checker passes a healthy run and names the invariant, the entity and the time when an
/// account disagrees. The corruptions are made by hand on a finished run, as a bug would.
/// </summary>
public class InvariantCheckerTests
{
    private static GuestHarness Ran(GuestConfig? guest = null) =>
        new GuestHarness(new Pbzip2Workload(), vcpus: 2, guest: guest ?? new GuestConfig { Hz = 1000 }).Run(SimSpan.FromMilliseconds(50));

    [Fact]
    public void HealthyRun_AuditsEverySliceAndPasses()
    {
        GuestHarness h = Ran();

        Assert.Equal(InvariantLevel.Full, h.Host.Invariants.Level);
        Assert.Equal(101, h.Host.Invariants.Audits); // 100 slices of 500 us, then the end of the run
        h.Host.Invariants.Audit();
    }

    [Fact]
    public void VcpuLedgerSumsToElapsed_AndAgreesWithTheSchedulerAndKvm()
    {
        GuestHarness h = Ran();
        SimTime now = h.Sim.Now;
        foreach (var v in h.Vm.Vcpus)
        {
            Assert.Equal(now.Ns, v.Ledger.Total(now));
            long onCpu = v.Ledger.TimeIn((int)VcpuTime.Guest, now) + v.Ledger.TimeIn((int)VcpuTime.ExitHandling, now) + v.Ledger.TimeIn((int)VcpuTime.Polling, now);
            Assert.Equal(h.Host.Scheduler.RuntimeSoFar(v).Ns, onCpu);
            Assert.True(v.Guest.CreditedGuestNs > 0);
            Assert.True(v.Guest.CreditedGuestNs <= v.Ledger.TimeIn((int)VcpuTime.Guest, now));
        }
    }

    [Fact]
    public void PcpuLedgerThatDisagreesWithTheCpu_IsAViolationNamingTheCpu()
    {
        GuestHarness h = Ran();
        var idle = h.Host.Pcpus.First(p => p.IsIdle);
        idle.Ledger.Enter((int)PcpuTime.Running, h.Sim.Now); // a transition the scheduler never made

        var e = Assert.Throws<InvariantViolationException>(() => h.Host.Invariants.Audit());

        Assert.Equal("pcpu-state-agrees", e.Invariant);
        Assert.Equal($"pcpu{idle.Id}", e.Entity);
        Assert.Equal(h.Sim.Now, e.At);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void RuntimeTheCpusNeverGave_IsACpuTimeDisagreement()
    {
        GuestHarness h = Ran();
        h.Vm.Vcpus[0].TotalRuntime += SimSpan.FromMicroseconds(1); // runtime charged twice, as a bug would

        var e = Assert.Throws<InvariantViolationException>(() => h.Host.Invariants.Audit());

        Assert.Equal("cpu-time-agrees", e.Invariant);
        Assert.Contains("off by -1000 ns", e.Message);
    }

    [Fact]
    public void RunningVcpuBookedAsHalted_IsAStateDisagreementNamingTheVcpu()
    {
        GuestHarness h = Ran();
        var v = h.Vm.Vcpus.First(x => x.State == KvmLab.Model.HostOs.ThreadState.Running);
        v.Ledger.Enter((int)VcpuTime.Halted, h.Sim.Now);

        var e = Assert.Throws<InvariantViolationException>(() => h.Host.Invariants.Audit());

        Assert.Equal("vcpu-state-agrees", e.Invariant);
        Assert.Equal(v.Name, e.Entity);
    }

    [Fact]
    public void Violation_MessageIsOneLineWithInvariantEntityAndTime()
    {
        var e = new InvariantViolationException("work-within-guest-time", "vm0/vcpu1", new SimTime(12_345_678), "5 ns of guest work credited in 4 ns of guest mode");

        Assert.Equal("invariant 'work-within-guest-time' violated by vm0/vcpu1 at 12.345678 ms simulated: 5 ns of guest work credited in 4 ns of guest mode", e.Message);
    }
}
