using KvmLab.Engine.Time;
using KvmLab.Model.Guest;

namespace KvmLab.Model.Kvm;

/// <summary>A VM: its vCPUs, the in-kernel LAPICs' routing, its guest kernel, and its KVM settings.</summary>
public sealed class Vm
{
    private readonly List<Vcpu> _vcpus = [];

    public Vm(HostContext host, int id, int vcpuCount, KvmConfig config, KvmPolicies policies, GuestConfig guest, IReadOnlyList<int>? pinning)
    {
        Host = host;
        Id = id;
        Config = config;
        Policies = policies;
        for (int i = 0; i < vcpuCount; i++)
        {
            int? pin = pinning is null ? null : pinning[i];
            _vcpus.Add(new Vcpu(host, this, i, pin));
        }

        Guest = new GuestKernel(host, this, guest);
        host.AddVm(this);
    }

    public HostContext Host { get; }

    public int Id { get; }

    public KvmConfig Config { get; }

    public KvmPolicies Policies { get; }

    public GuestKernel Guest { get; }

    public IReadOnlyList<Vcpu> Vcpus => _vcpus;

    /// <summary>kvm->last_boosted_vcpu: where kvm_vcpu_on_spin's round robin resumes.</summary>
    public int LastBoostedVcpu { get; internal set; }

    public YieldStats YieldStats { get; } = new();

    private readonly Dictionary<long, HostOs.Eventfd> _ioeventfds = [];

    /// <summary>KVM_IOEVENTFD on KVM_FAST_MMIO_BUS: a guest write to <paramref name="gpa"/> signals <paramref name="eventfd"/> in the kernel.</summary>
    public void AssignIoeventfd(long gpa, HostOs.Eventfd eventfd) => _ioeventfds.Add(gpa, eventfd);

    /// <summary>The ioeventfd registered at <paramref name="gpa"/> (kvm_io_bus_write's lookup), or null.</summary>
    public HostOs.Eventfd? IoeventfdAt(long gpa) => _ioeventfds.GetValueOrDefault(gpa);

    private readonly Dictionary<uint, HostOs.Eventfd> _pioIoeventfds = [];

    /// <summary>KVM_IOEVENTFD with KVM_IOEVENTFD_FLAG_PIO: an OUT to <paramref name="port"/> signals <paramref name="eventfd"/> in the kernel.</summary>
    public void AssignPioIoeventfd(uint port, HostOs.Eventfd eventfd) => _pioIoeventfds.Add(port, eventfd);

    /// <summary>The PIO ioeventfd registered at <paramref name="port"/>, or null.</summary>
    public HostOs.Eventfd? PioIoeventfdAt(uint port) => _pioIoeventfds.GetValueOrDefault(port);

    /// <summary>kvm_vcpu_yield_to from <paramref name="me"/>, counted as a directed-yield attempt (and success when &gt; 0).</summary>
    internal int YieldTo(Vcpu me, Vcpu target)
    {
        YieldStats.YieldAttempts++;
        int r = Host.Scheduler.YieldTo(me, target, Config.DirectedYield.DeboostYielder);
        if (r > 0)
        {
            YieldStats.YieldSuccesses++;
        }

        return r;
    }

    /// <summary>Starts every vCPU thread.</summary>
    public void Start() => Start(SimSpan.Zero);

    /// <summary>
    /// Starts every vCPU thread, each after a uniform random delay below <paramref name="jitter"/>
    /// (its own RNG stream), so that vCPUs of co-located VMs do not run in lock step.
    /// </summary>
    public void Start(SimSpan jitter)
    {
        var rng = Host.Rng.Get($"vm{Id}/start");
        foreach (Vcpu v in _vcpus)
        {
            v.StartAfter(jitter.Ns > 0 ? SimSpan.FromNanoseconds(rng.NextDouble() * jitter.Ns) : SimSpan.Zero);
        }
    }

    /// <summary>
    /// kvm_irq_delivery_to_apic_fast for the IPIs the model sends: fixed delivery to the vCPUs
    /// <see cref="Targets"/> names (an O(1) apic_map lookup per target).
    /// </summary>
    public void DeliverIpi(Vcpu source, IcrWrite icr)
    {
        if (icr.Shorthand == IcrWrite.ApicDestNoShort && icr.IsPhysical)
        {
            // The common case, without the iterator: one physical destination.
            if (icr.Destination < _vcpus.Count)
            {
                DeliverIpiTo(source, _vcpus[(int)icr.Destination], icr.Vector);
            }

            return;
        }

        if (icr.Shorthand == IcrWrite.ApicDestNoShort && Guest.X2Apic)
        {
            int cluster = (int)(icr.Destination >> 16);
            uint mask = icr.Destination & 0xFFFF;
            for (int bit = 0; bit < 16; bit++)
            {
                int id = (cluster << 4) + bit;
                if ((mask & (1u << bit)) != 0 && id < _vcpus.Count)
                {
                    DeliverIpiTo(source, _vcpus[id], icr.Vector);
                }
            }

            return;
        }

        foreach (Vcpu v in Targets(source, icr))
        {
            DeliverIpiTo(source, v, icr.Vector);
        }
    }

    /// <summary>
    /// One IPI from <paramref name="source"/> accepted by <paramref name="target"/>. With
    /// Ishiguro 2021 patch 2 a target that is scheduled out or halted remembers the sender.
    /// </summary>
    public void DeliverIpiTo(Vcpu source, Vcpu target, int vector)
    {
        // mark_ipi_receiver: only while the target is scheduled out (sched_outed: preempted or asleep).
        if (Config.DirectedYield.IpiSenderAware && target.Mode is VcpuMode.Preempted or VcpuMode.Blocked)
        {
            target.IpiSendersWhileOut.Add(source.Index);
        }

        // The sender's ICR write (or PV IPI hypercall) is handled on its own pCPU, which wakes a halted target.
        target.AcceptInterrupt(vector, source.State == HostOs.ThreadState.Running ? source.Cpu?.Id : null);
    }

    /// <summary>
    /// The destination set of an ICR write (kvm_apic_match_dest): a shorthand; a physical APIC id;
    /// or a logical destination — x2APIC cluster format (cluster &lt;&lt; 16 | 16-bit mask, the
    /// logical id of APIC id n being (n &gt;&gt; 4) &lt;&lt; 16 | 1 &lt;&lt; (n &amp; 15)) or xAPIC
    /// flat format (an 8-bit mask, one bit per CPU).
    /// </summary>
    public IEnumerable<Vcpu> Targets(Vcpu source, IcrWrite icr)
    {
        switch (icr.Shorthand)
        {
            case IcrWrite.ApicDestSelf:
                yield return source;
                yield break;
            case IcrWrite.ApicDestAllInc:
            case IcrWrite.ApicDestAllBut:
                foreach (Vcpu v in _vcpus)
                {
                    if (v != source || icr.Shorthand == IcrWrite.ApicDestAllInc)
                    {
                        yield return v;
                    }
                }

                yield break;
        }

        if (icr.IsPhysical)
        {
            if (icr.Destination < _vcpus.Count)
            {
                yield return _vcpus[(int)icr.Destination];
            }

            yield break;
        }

        if (Guest.X2Apic)
        {
            int cluster = (int)(icr.Destination >> 16);
            uint mask = icr.Destination & 0xFFFF;
            for (int bit = 0; bit < 16; bit++)
            {
                int id = (cluster << 4) + bit;
                if ((mask & (1u << bit)) != 0 && id < _vcpus.Count)
                {
                    yield return _vcpus[id];
                }
            }
        }
        else
        {
            for (int bit = 0; bit < 8 && bit < _vcpus.Count; bit++)
            {
                if ((icr.Destination & (1u << bit)) != 0)
                {
                    yield return _vcpus[bit];
                }
            }
        }
    }

    /// <summary>Closes the vCPUs' open spans and time accounting at the end of a run.</summary>
    public void Finish()
    {
        foreach (Vcpu v in _vcpus)
        {
            v.Finish();
        }
    }
}
