using KvmLab.RealKvm;

namespace KvmLab.RealKvm.Tests;

/// <summary>A fact that needs /dev/kvm: skipped, with the reason, where it cannot be opened.</summary>
public sealed class KvmFactAttribute : FactAttribute
{
    private static readonly string? Reason = Kvm.Unavailable();

    public KvmFactAttribute()
    {
        if (Reason is not null)
        {
            Skip = $"needs /dev/kvm: {Reason}";
        }
    }
}
