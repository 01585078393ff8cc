using KvmLab.Model.Kvm;

namespace KvmLab.Policies.Upstream;

/// <summary>Before Linux 5.6: every ICR write takes the full vcpu_enter_guest exit path.</summary>
public sealed class NoIcrFastpath : IIcrFastpathPolicy, IPolicyInfo
{
    public string Id => "upstream/no-icr-fastpath";

    public string Summary => "Every ICR write exit takes the full path (Linux before 5.6)";

    public string Citation => "arch/x86/kvm/vmx/vmx.c before commit 1e9e2622a149";

    public bool TakesFastpath(in IcrExitView exit) => false;
}
