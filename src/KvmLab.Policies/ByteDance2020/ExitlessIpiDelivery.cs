using KvmLab.Model.Guest;

namespace KvmLab.Policies.ByteDance2020;

/// <summary>
/// ByteDance's exit-less PV IPI (KVM Forum 2020; RFC <0C23CC2D-B770-43D0-8215-20CE591F2E8F@bytedance.com>,
/// not merged): the guest sets PIR and ON in the target's posted-interrupt descriptor and writes
/// the notification vector to the ICR, which is not intercepted. Requires a trusted guest.
/// </summary>
public sealed class ExitlessIpiDelivery : IIpiDeliveryPolicy, IPolicyInfo
{
    public string Id => "bytedance2020/exitless-ipi";

    public string Summary => "the guest posts into the target's PI descriptor and writes the ICR unintercepted";

    public string Citation => "Huaqiao/ByteDance KVM Forum 2020; RFC <0C23CC2D-B770-43D0-8215-20CE591F2E8F@bytedance.com>";

    public IpiRoute Route(bool x2apic, int targets) => IpiRoute.ExitlessPost;
}
