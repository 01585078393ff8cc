using KvmLab.Model.Hardware;

namespace KvmLab.Policies;

/// <summary>
/// A switchable optimization or mechanism a scenario can name, declared once in its source's
/// folder (Upstream/, LiWanpeng2020/, Ishiguro2021/, ByteDance2020/ ...): its id, one line, its
/// citation, the platform it needs, what it conflicts with, and what it switches on.
/// </summary>
/// <param name="Apply">What enabling it does to KVM's configuration and policies.</param>
public sealed record FeatureInfo(string Id, string Summary, string Citation, bool OnByDefault, Action<KvmSetup> Apply) : IPolicyInfo
{
    /// <summary>The design hands the guest host resources (a PI descriptor, the physical ICR or timer): only for guests the operator trusts.</summary>
    public bool RequiresTrustedGuest { get; init; }

    /// <summary>The CPU vendor whose virtualization extensions it needs; null for any.</summary>
    public CpuVendor? Needs { get; init; }

    /// <summary>A problem with the other features or the guest, or null.</summary>
    public Func<FeatureCheck, FeatureConflict?>? Conflict { get; init; }

    /// <summary>The folder (source) it is declared in; set by <see cref="FeatureCatalog"/>.</summary>
    public string Source { get; init; } = "";
}

/// <summary>What a feature's conflict rule sees: the enabled features and one VM's guest APIC mode.</summary>
public sealed record FeatureCheck(IReadOnlySet<string> Enabled, bool GuestX2Apic);

/// <summary>Why a feature cannot be on; <paramref name="BlamesGuest"/> when the guest's APIC mode is the problem.</summary>
public sealed record FeatureConflict(string Message, bool BlamesGuest);
