namespace KvmLab.RealKvm.Guests;

/// <summary>
/// Where the tiny guests put things in guest-physical memory (identity-mapped, so guest-virtual
/// equals guest-physical), and the addresses with no RAM behind them that act as doorbells.
/// </summary>
public static class GuestLayout
{
    public const ulong RamSize = 4UL << 20;

    public const ulong Pml4 = 0x1000;
    public const ulong Pdpt = 0x2000;
    public const ulong PageDirs = 0x3000;      // four page directories: 0-4 GiB in 2 MiB pages
    public const ulong Gdt = 0x7000;
    public const ulong Tss = 0x7800;           // one 128-byte slot per vCPU
    public const ulong Idt = 0x8000;
    public const ulong Code = 0x20000;         // up to 64 KiB of assembled code
    public const ulong Data = 0x30000;         // shared variables, see the offsets below
    public const ulong Samples = 0x100000;     // per-vCPU sample buffers
    public const ulong SamplesPerVcpuBytes = 0x100000;

    /// <summary>Kernel (CPL0) stack top of a vCPU.</summary>
    public static ulong KernelStackTop(int vcpu) => 0x48000 + ((ulong)vcpu * 0x10000);

    /// <summary>User (CPL3) stack top of a vCPU.</summary>
    public static ulong UserStackTop(int vcpu) => 0x50000 + ((ulong)vcpu * 0x10000);

    public static ulong SampleBuffer(int vcpu) => Samples + ((ulong)vcpu * SamplesPerVcpuBytes);

    public const int MaxSamples = (int)(SamplesPerVcpuBytes / 8);

    // Shared variables at Data + offset (8 bytes each).
    public const ulong Ack = Data + 0x00;      // interrupt handler counter
    public const ulong Ready = Data + 0x08;    // receiver finished its set-up
    public const ulong FiredTsc = Data + 0x10; // TSC read first thing in the timer handler
    public const ulong TimerDelta = Data + 0x18; // TSC ticks from arming to the deadline (host-written)
    public const ulong FaultInfo = Data + 0x40; // vector, error code / RIP words of a guest exception

    // Doorbells: guest-physical addresses without RAM, so an access exits (or hits an ioeventfd).
    public const ulong UserMmio = 0xD000_0000;     // exits to userspace
    public const ulong EventMmio = 0xD000_1000;    // registered as an ioeventfd
    public const ulong DoneMmio = 0xE000_0000;     // "finished": the host stops the run loop
    public const ulong FaultMmio = 0xE000_1000;    // a guest exception handler reports here
    public const ushort UserPort = 0x500;
    public const ushort EventPort = 0x510;

    // The local APIC page (xAPIC) and the registers the guests touch (Intel SDM vol. 3, 11.4.1 / 10.4.1).
    public const ulong ApicBase = 0xFEE0_0000;
    public const ulong ApicEoi = ApicBase + 0xB0;
    public const ulong ApicSvr = ApicBase + 0xF0;
    public const ulong ApicIcrLow = ApicBase + 0x300;
    public const ulong ApicIcrHigh = ApicBase + 0x310;
    public const ulong ApicLvtTimer = ApicBase + 0x320;

    // x2APIC MSRs (SDM 10.12.1.2): 0x800 + xAPIC offset / 16.
    public const uint MsrX2ApicEoi = 0x80B;
    public const uint MsrX2ApicSvr = 0x80F;
    public const uint MsrX2ApicIcr = 0x830;
    public const uint MsrX2ApicLvtTimer = 0x832;
    public const uint MsrTscDeadline = 0x6E0;
    public const uint MsrApicBase = 0x1B;

    // Vectors.
    public const byte VectorIpi = 0x40;
    public const byte VectorTimer = 0x41;
    public const byte VectorNotify = 0x42;

    // Selectors of the GDT built by GuestImage.
    public const ushort KernelCode = 0x08;
    public const ushort KernelData = 0x10;
    public const ushort UserData = 0x18 | 3;
    public const ushort UserCode = 0x20 | 3;

    public static ushort TssSelector(int vcpu) => (ushort)(0x28 + (vcpu * 16));
}
