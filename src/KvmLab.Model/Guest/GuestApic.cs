using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>
/// How the guest sends IPIs and EOIs, by APIC mode and by what the host exposes
/// (arch/x86/kernel/apic/x2apic_phys.c, x2apic_cluster.c, apic_flat_64.c, arch/x86/kernel/kvm.c):
/// <list type="bullet">
/// <item>exit-less PV IPI (ByteDance): set PIR and ON in the target's posted-interrupt descriptor, then an unintercepted physical ICR write;</item>
/// <item>PV send-IPI (KVM_HC_SEND_IPI): one hypercall per 128-APIC-id window for a multicast; an xAPIC guest sends even unicasts this way (kvm_setup_pv_ipi replaces send_IPI_mask, which flat and physflat use for single CPUs too);</item>
/// <item>x2APIC physical: one WRMSR per target; x2APIC cluster: one WRMSR per 16-CPU cluster with a logical destination (unicasts are logical too);</item>
/// <item>xAPIC: an APIC-page write of the ICR, flat logical (one write for up to 8 CPUs) or physflat (one per target) above 8 CPUs; with AVIC the write is handled by hardware, which exits (AVIC_INCOMPLETE_IPI) only when a target is not running.</item>
/// </list>
/// </summary>
public sealed class GuestApic
{
    private const int PvIpiClusterSize = 128; // KVM_IPI_CLUSTER_SIZE = 2 * BITS_PER_LONG

    private readonly HostContext _host;
    private readonly GuestKernel _kernel;

    internal GuestApic(HostContext host, GuestKernel kernel)
    {
        _host = host;
        _kernel = kernel;
    }

    private KvmConfig Kvm => _kernel.Vm.Config;

    /// <summary>The route the guest's IPIs take (upstream ICR writes or PV send-IPI, or ByteDance's exit-less post).</summary>
    private IIpiDeliveryPolicy Delivery => _kernel.Vm.Policies.IpiDelivery;

    /// <summary>apic->send_IPI: one fixed IPI to one CPU.</summary>
    public void SendIpi(GuestCpu cpu, byte vector, int target, Action then)
    {
        GuestConfig g = _kernel.Config;
        IpiRoute route = Delivery.Route(g.X2Apic, 1);
        if (route == IpiRoute.ExitlessPost)
        {
            ExitlessSend(cpu, vector, [target], 0, then);
        }
        else if (route == IpiRoute.PvHypercall)
        {
            Hypercalls(cpu, vector, [target], then);
        }
        else if (g.X2Apic && g.X2ApicCluster)
        {
            cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.X2ApicIcr, IcrWrite.FixedLogical(vector, ClusterId(target)), then);
        }
        else if (g.X2Apic)
        {
            cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.X2ApicIcr, IcrWrite.FixedPhysical(vector, (uint)target), then);
        }
        else
        {
            XapicWrite(cpu, IcrWrite.FixedPhysical(vector, (uint)target), then);
        }
    }

    /// <summary>apic->send_IPI_mask: a fixed IPI to a set of CPUs.</summary>
    public void SendIpiMany(GuestCpu cpu, byte vector, int[] targets, Action then)
    {
        GuestConfig g = _kernel.Config;
        IpiRoute route = Delivery.Route(g.X2Apic, targets.Length);
        if (targets.Length == 1)
        {
            SendIpi(cpu, vector, targets[0], then);
        }
        else if (route == IpiRoute.ExitlessPost)
        {
            ExitlessSend(cpu, vector, targets, 0, then);
        }
        else if (route == IpiRoute.PvHypercall)
        {
            Hypercalls(cpu, vector, targets, then);
        }
        else if (g.X2Apic && g.X2ApicCluster)
        {
            // __x2apic_send_IPI_mask: one write per cluster, its CPUs' bits ORed together, clusters in order.
            IcrWrite[] writes = ClusterWrites(vector, targets);
            Sequence(writes.Length, (i, next) => cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.X2ApicIcr, writes[i], next), then);
        }
        else if (g.X2Apic)
        {
            Sequence(targets.Length, (i, next) => SendIpi(cpu, vector, targets[i], next), then);
        }
        else if (_kernel.Cpus.Count <= 8)
        {
            // flat_send_IPI_mask: one logical write, one bit per CPU.
            uint mask = targets.Aggregate(0u, (m, t) => m | (1u << t));
            XapicWrite(cpu, IcrWrite.FixedLogical(vector, mask), then);
        }
        else
        {
            // default_send_IPI_mask_sequence_phys: one physical write per CPU.
            Sequence(targets.Length, (i, next) => XapicWrite(cpu, IcrWrite.FixedPhysical(vector, (uint)targets[i]), next), then);
        }
    }

    /// <summary>EOI: virtualized with APICv or AVIC (no exit); otherwise an intercepted WRMSR (x2APIC) or APIC-page write (xAPIC).</summary>
    public void Eoi(GuestCpu cpu, Action then)
    {
        if (Kvm.ApicV || Kvm.Avic)
        {
            then();
        }
        else if (_kernel.X2Apic)
        {
            cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.X2ApicEoi, default, then);
        }
        else
        {
            cpu.ExitingInstruction(ExitReason.ApicWrite, MsrIndex.XApicEoiOffset, default, then);
        }
    }

    private static IcrWrite[] ClusterWrites(byte vector, int[] targets)
    {
        int maxCluster = 0;
        foreach (int t in targets)
        {
            maxCluster = Math.Max(maxCluster, t >> 4);
        }

        var masks = new uint[maxCluster + 1];
        foreach (int t in targets)
        {
            masks[t >> 4] |= 1u << (t & 15);
        }

        var writes = new List<IcrWrite>(masks.Length);
        for (int c = 0; c < masks.Length; c++)
        {
            if (masks[c] != 0)
            {
                writes.Add(IcrWrite.FixedLogical(vector, ((uint)c << 16) | masks[c]));
            }
        }

        return [.. writes];
    }

    /// <summary>The x2APIC logical id of a CPU in cluster mode: (id &gt;&gt; 4) &lt;&lt; 16 | 1 &lt;&lt; (id &amp; 15).</summary>
    public static uint ClusterId(int apicId) => ((uint)(apicId >> 4) << 16) | (1u << (apicId & 15));

    /// <summary>
    /// An xAPIC ICR write. ICR2 (destination) is written first; with APICv or AVIC that write is
    /// virtualized. With APICv the ICR write traps (APIC-write exit); with AVIC the hardware
    /// delivers to running targets and exits only if one is not running; without either, both
    /// are emulated (counted as the one ICR exit here).
    /// </summary>
    private void XapicWrite(GuestCpu cpu, IcrWrite icr, Action then)
    {
        if (!Kvm.Avic)
        {
            cpu.ExitingInstruction(ExitReason.ApicWrite, MsrIndex.XApicIcrOffset, icr, then);
            return;
        }

        cpu.Compute(_host.Costs.AvicIcrWrite, () =>
        {
            // AVIC: IRR set in every valid target's backing page; a doorbell for running ones.
            bool incomplete = false;
            foreach (Vcpu t in _kernel.Vm.Targets(cpu.Vcpu, icr))
            {
                if (t.AvicIsRunning)
                {
                    t.AcceptInterrupt(icr.Vector);
                }
                else
                {
                    t.SetIrr(icr.Vector);
                    incomplete = true;
                }
            }

            if (incomplete)
            {
                cpu.ExitingInstruction(ExitReason.AvicIncompleteIpi, MsrIndex.XApicIcrOffset, icr, then);
            }
            else
            {
                then();
            }
        });
    }

    /// <summary>kvm_send_ipi_mask: one KVM_HC_SEND_IPI per window of 128 APIC ids starting at the lowest.</summary>
    private static void Hypercalls(GuestCpu cpu, byte vector, int[] targets, Action then)
    {
        int[] sorted = [.. targets.Order()];
        var windows = new List<int[]>();
        int start = 0;
        for (int i = 1; i <= sorted.Length; i++)
        {
            if (i == sorted.Length || sorted[i] - sorted[start] >= PvIpiClusterSize)
            {
                windows.Add(sorted[start..i]);
                start = i;
            }
        }

        IcrWrite icr = IcrWrite.FixedPhysical(vector, 0);
        Sequence(windows.Count, (i, next) => cpu.ExitingInstruction(ExitReason.Hypercall, 0, icr, next, Hypercall.SendIpi, windows[i]), then);
    }

    /// <summary>
    /// Exit-less PV IPI: for each target, set the vector in its PIR and ON (locked ops on the
    /// shared descriptor), then WRMSR the ICR with the notification vector to the target's pCPU —
    /// not intercepted. A running target gets a posted interrupt; a blocked one, whose descriptor
    /// names the wakeup vector, is woken by the host.
    /// </summary>
    private void ExitlessSend(GuestCpu cpu, byte vector, int[] targets, int i, Action then)
    {
        if (i == targets.Length)
        {
            then();
            return;
        }

        cpu.Compute(_host.Costs.PostedInterruptPost + _host.Costs.BareIcrWrite, () =>
        {
            _kernel.Vm.Vcpus[targets[i]].AcceptInterrupt(vector);
            ExitlessSend(cpu, vector, targets, i + 1, then);
        });
    }

    private static void Sequence(int count, Action<int, Action> step, Action then)
    {
        void Step(int i)
        {
            if (i == count)
            {
                then();
                return;
            }

            step(i, () => Step(i + 1));
        }

        Step(0);
    }
}
