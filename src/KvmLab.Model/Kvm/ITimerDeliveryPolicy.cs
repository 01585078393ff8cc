using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Kvm;

/// <summary>
/// Decision point of the guest's TSC-deadline timer: does a write exit and KVM emulate the
/// timer (upstream: an hrtimer or the VMX preemption timer), or does the guest program the
/// physical timer and each VM entry move the host's own timer aside (ByteDance 2020)?
/// </summary>
public interface ITimerDeliveryPolicy
{
    /// <summary>IA32_TSC_DEADLINE is not intercepted: the guest's write programs the physical LAPIC timer.</summary>
    bool GuestProgramsTimer { get; }

    /// <summary>What every VM entry pays for this design (zero upstream).</summary>
    SimSpan EntrySwitch(CostProfile costs);
}
