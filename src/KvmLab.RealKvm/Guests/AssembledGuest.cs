using Iced.Intel;

namespace KvmLab.RealKvm.Guests;

/// <summary>Machine code for <see cref="GuestLayout.Code"/>, the IDT gates, and label addresses.</summary>
public sealed class AssembledGuest(byte[] code, IReadOnlyDictionary<int, ulong> gates, AssemblerResult result)
{
    public byte[] Code => code;

    public IReadOnlyDictionary<int, ulong> Gates => gates;

    public ulong Address(Label label) => result.GetLabelRIP(label);
}
