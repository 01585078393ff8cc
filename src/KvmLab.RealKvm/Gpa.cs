namespace KvmLab.RealKvm;

/// <summary>A guest-physical address: a newtype so it is never mixed up with a host pointer.</summary>
public readonly record struct Gpa(ulong Value)
{
    public static Gpa operator +(Gpa a, ulong offset) => new(a.Value + offset);

    public override string ToString() => $"gpa 0x{Value:x}";
}
