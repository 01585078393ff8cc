using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;

namespace KvmLab.Policies.ByteDance2020;

/// <summary>
/// ByteDance's passthrough timer (KVM Forum 2020; RFC <20201228091559.25745-1-fengzhimin@bytedance.com>,
/// not merged): TSC_DEADLINE is not intercepted, the guest programs the physical timer, and each
/// VM entry moves the host's own next timer into the preemption timer (PassthroughTimerSwitch).
/// </summary>
public sealed class PassthroughTimer : ITimerDeliveryPolicy, IPolicyInfo
{
    public string Id => "bytedance2020/passthrough-timer";

    public string Summary => "the guest programs the physical LAPIC timer; each entry moves the host's timer to the preemption timer";

    public string Citation => "Huaqiao/ByteDance KVM Forum 2020; RFC <20201228091559.25745-1-fengzhimin@bytedance.com>";

    public bool GuestProgramsTimer => true;

    public SimSpan EntrySwitch(CostProfile costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        return costs.PassthroughTimerSwitch;
    }
}
