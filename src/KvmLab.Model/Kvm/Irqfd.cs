using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Kvm;

/// <summary>
/// KVM_IRQFD bound to an MSI route (virt/kvm/eventfd.c, v5.10): userspace writes the eventfd
/// (QEMU's virtio_notify_irqfd → event_notifier_set), eventfd_signal runs irqfd_wakeup in the
/// writer's context, kvm_arch_set_irq_inatomic → kvm_set_msi → __apic_accept_irq for the route's
/// vCPU and vector (a posted interrupt with APICv). The writer's CPU pays <see cref="WriteCost"/>
/// before the interrupt is accepted.
/// </summary>
public sealed class Irqfd(Vm vm, int vcpu, byte vector)
{
    public Vcpu Target => vm.Vcpus[vcpu];

    public byte Vector => vector;

    /// <summary>Signals so far.</summary>
    public long Signals { get; private set; }

    /// <summary>write(2) on the irqfd: the syscall, eventfd_signal and irqfd_wakeup's injection.</summary>
    public SimSpan WriteCost
    {
        get
        {
            StorageCosts s = vm.Host.Costs.Storage;
            return s.SyscallEntryExit + s.EventfdSignal + s.IrqfdInject;
        }
    }

    /// <summary>The write's effect, once <see cref="WriteCost"/> has been paid: the vCPU accepts the interrupt.</summary>
    public void Signal()
    {
        Signals++;
        Target.AcceptInterrupt(vector);
    }
}
