namespace KvmLab.Model.Kvm;

/// <summary>Mechanism switches of the simulated KVM that are not policies.</summary>
public sealed record KvmConfig
{
    /// <summary>APICv posted interrupts and virtual-interrupt delivery (enable_apicv).</summary>
    public bool ApicV { get; init; } = true;

    /// <summary>HLT exits to the host (off with KVM_X86_DISABLE_EXITS_HLT / cpu-pm=on).</summary>
    public bool HltExits { get; init; } = true;
}
