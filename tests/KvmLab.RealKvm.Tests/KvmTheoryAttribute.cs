using KvmLab.RealKvm;

namespace KvmLab.RealKvm.Tests;

/// <summary>A theory that needs /dev/kvm: skipped, with the reason, where it cannot be opened.</summary>
public sealed class KvmTheoryAttribute : TheoryAttribute
{
    public KvmTheoryAttribute()
    {
        if (Kvm.Unavailable() is string reason)
        {
            Skip = $"needs /dev/kvm: {reason}";
        }
    }
}
