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

/// <summary>One VM on a host, pinned 1:1, running one workload for a fixed simulated time.</summary>
public sealed class GuestHarness
{
    public GuestHarness(
        IWorkload workload,
        int vcpus = 2,
        KvmConfig? config = null,
        GuestConfig? guest = null,
        bool timerFastpath = true,
        bool icrFastpath = true,
        CostProfile? profile = null,
        ulong seed = 1,
        IIpiDeliveryPolicy? ipiDelivery = null,
        ITimerDeliveryPolicy? timerDelivery = null,
        SimSpan? haltPollMax = null,
        ITraceSink? trace = null)
    {
        Sim = new Simulator();
        Host = new HostContext(Sim, profile ?? Profiles.SkylakeSp2020(), new MachineSpec { Pcpus = vcpus + 2 }, new RngStreams(seed), trace ?? NullTraceSink.Instance);
        var policies = new KvmPolicies(
            icrFastpath ? new IcrWriteFastpath() : new NoIcrFastpath(),
            new AdaptiveHaltPoll(haltPollMax ?? SimSpan.FromMicroseconds(200)),
            timerFastpath ? new TimerFastpath() : new NoTimerFastpath(),
            new UpstreamSpinFilter(),
            ipiDelivery ?? new IcrIpiDelivery(pvSendIpi: false),
            timerDelivery ?? new EmulatedTimer());
        Vm = new Vm(Host, 0, vcpus, config ?? new KvmConfig(), policies, guest ?? new GuestConfig(), [.. Enumerable.Range(0, vcpus)]);
        Workload = workload;
        Workload.Install(Host, Vm);
    }

    public Simulator Sim { get; }

    public HostContext Host { get; }

    public Vm Vm { get; }

    public IWorkload Workload { get; }

    public Vcpu Vcpu(int i) => Vm.Vcpus[i];

    public long Exits(ExitReason r) => Vm.Vcpus.Sum(v => v.Stats.ExitCount(r));

    public long FastpathExits => Vm.Vcpus.Sum(v => v.Stats.FastpathExits);

    public GuestHarness Run(SimSpan duration, SimSpan? warmup = null)
    {
        Host.MeasureFrom = SimTime.Zero + (warmup ?? SimSpan.Zero);
        Vm.Start();
        Host.RunUntil(SimTime.Zero + duration, () => Workload.Finished);
        return this;
    }

    public double Metric(string name) => Workload.Report(Host).Single(m => m.Name == name).Value;
}
