using KvmLab.RealKvm;

namespace KvmLab.Cli.Tests;

/// <summary>A fact that needs /dev/kvm: skipped, with the reason, where it cannot be opened.</summary>
public sealed class KvmFactAttribute : FactAttribute
{
    public KvmFactAttribute()
    {
        if (Kvm.Unavailable() is string reason)
        {
            Skip = $"needs /dev/kvm: {reason}";
        }
    }
}
