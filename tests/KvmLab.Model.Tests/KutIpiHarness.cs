using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;
using KvmLab.Policies.LiWanpeng2020;
using KvmLab.Policies.Upstream;

namespace KvmLab.Model.Tests;

/// <summary>
/// A 4-pCPU Skylake-SP host with one 2-vCPU kvm-unit-tests VM pinned to pCPUs 0 and 1, running
/// the kut-ipi workload the way ScenarioRunner does: start, then run in slices until done.
/// </summary>
internal sealed class KutIpiHarness
{
    public const int Iterations = 200;

    private static readonly SimTime Limit = SimTime.Zero + SimSpan.FromMilliseconds(100);

    public KutIpiHarness(bool fastpath = true, SimSpan? haltPollMax = null, KvmConfig? config = null, bool x2apic = true, ulong seed = 1)
    {
        Sim = new Simulator();
        Host = new HostContext(Sim, Profiles.SkylakeSp2020(), new MachineSpec { Pcpus = 4 }, new RngStreams(seed), NullTraceSink.Instance);
        var policies = new KvmPolicies(
            fastpath ? new IcrWriteFastpath() : new NoIcrFastpath(),
            new AdaptiveHaltPoll(haltPollMax ?? SimSpan.FromMicroseconds(200)),
            new TimerFastpath(),
            new UpstreamSpinFilter(),
            new IcrIpiDelivery(pvSendIpi: false),
            new EmulatedTimer());
        Vm = new Vm(Host, 0, 2, config ?? new KvmConfig(), policies,
            new GuestConfig { Kind = GuestKernelKind.KvmUnitTests, X2Apic = x2apic }, [0, 1]);
        Workload = new KutIpiWorkload { Iterations = Iterations };
        Workload.Install(Host, Vm);
    }

    public Simulator Sim { get; }

    public HostContext Host { get; }

    public Vm Vm { get; }

    public KutIpiWorkload Workload { get; }

    public Vcpu Sender => Vm.Vcpus[0];

    public Vcpu Target => Vm.Vcpus[1];

    public KutIpiHarness Run()
    {
        Vm.Start();
        Host.MeasureFrom = SimTime.Zero;
        Host.RunUntil(Limit, () => Workload.Finished);
        Assert.True(Workload.Finished, $"kut-ipi did not finish {Iterations} iterations by {Limit}.");
        return this;
    }

    public double Metric(string name) => Workload.Report(Host).Single(m => m.Name == name).Value;

    public IReadOnlyList<WorkloadMetric> Report() => Workload.Report(Host);
}
