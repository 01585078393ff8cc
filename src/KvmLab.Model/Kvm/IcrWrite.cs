namespace KvmLab.Model.Kvm;

/// <summary>
/// A value written to the local APIC's interrupt command register, decoded with the Linux
/// constants of arch/x86/include/asm/apicdef.h. In x2APIC mode it is one 64-bit WRMSR to 0x830
/// with the destination in the high half; in xAPIC mode two MMIO writes (ICR2 then ICR).
/// </summary>
public readonly record struct IcrWrite(uint Low, uint Destination)
{
    public const uint ApicDestPhysical = 0x00000;
    public const uint ApicDestLogical = 0x00800;
    public const uint ApicDestMask = 0x00800;
    public const uint ApicModeMask = 0x00700;
    public const uint ApicDmFixed = 0x00000;
    public const uint ApicShortMask = 0xC0000;
    public const uint ApicDestNoShort = 0x00000;
    public const uint ApicDestSelf = 0x40000;
    public const uint ApicDestAllInc = 0x80000;
    public const uint ApicDestAllBut = 0xC0000;
    public const uint ApicIntAssert = 0x04000;
    public const uint X2ApicBroadcast = 0xFFFFFFFF;

    public byte Vector => (byte)(Low & 0xFF);

    public bool IsPhysical => (Low & ApicDestMask) == ApicDestPhysical;

    public bool IsFixed => (Low & ApicModeMask) == ApicDmFixed;

    public uint Shorthand => Low & ApicShortMask;

    /// <summary>A fixed IPI to a logical destination (an x2APIC cluster id and mask, or an xAPIC flat mask).</summary>
    public static IcrWrite FixedLogical(byte vector, uint destination) =>
        new(ApicIntAssert | ApicDestLogical | ApicDmFixed | vector, destination);

    /// <summary>What Linux's __x2apic_send_IPI_dest writes for a fixed IPI to one CPU in physical mode.</summary>
    public static IcrWrite FixedPhysical(byte vector, uint destination) =>
        new(ApicIntAssert | ApicDestPhysical | ApicDmFixed | vector, destination);
}
