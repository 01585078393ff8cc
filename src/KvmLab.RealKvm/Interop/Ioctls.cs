namespace KvmLab.RealKvm.Interop;

/// <summary>
/// KVM ioctl request numbers, built with the _IO/_IOR/_IOW/_IOWR encoding of
/// include/uapi/asm-generic/ioctl.h (dir in bits 30-31, size in 16-29, type 0xAE, number in 0-7).
/// Numbers and argument structs: include/uapi/linux/kvm.h and Documentation/virt/kvm/api.rst.
/// </summary>
internal static class Ioctls
{
    private const uint KvmIo = 0xAE;

    private static nuint Io(uint nr) => (nuint)((KvmIo << 8) | nr);

    private static nuint Iow(uint nr, uint size) => (nuint)((1u << 30) | (size << 16) | (KvmIo << 8) | nr);

    private static nuint Ior(uint nr, uint size) => (nuint)((2u << 30) | (size << 16) | (KvmIo << 8) | nr);

    private static nuint Iowr(uint nr, uint size) => (nuint)((3u << 30) | (size << 16) | (KvmIo << 8) | nr);

    // System ioctls on /dev/kvm.
    public static readonly nuint GetApiVersion = Io(0x00);
    public static readonly nuint CreateVm = Io(0x01);
    public static readonly nuint CheckExtension = Io(0x03);
    public static readonly nuint GetVcpuMmapSize = Io(0x04);
    public static readonly nuint GetSupportedCpuid = Iowr(0x05, 8);   // struct kvm_cpuid2 header

    // VM ioctls.
    public static readonly nuint CreateVcpu = Io(0x41);
    public static readonly nuint SetUserMemoryRegion = Iow(0x46, 32); // struct kvm_userspace_memory_region
    public static readonly nuint SetTssAddr = Io(0x47);
    public static readonly nuint CreateIrqchip = Io(0x60);
    public static readonly nuint SetGsiRouting = Iow(0x6a, 8);        // struct kvm_irq_routing header
    public static readonly nuint Irqfd = Iow(0x76, 32);               // struct kvm_irqfd
    public static readonly nuint Ioeventfd = Iow(0x79, 64);           // struct kvm_ioeventfd
    public static readonly nuint EnableCap = Iow(0xa3, 104);          // struct kvm_enable_cap (VM and vCPU)
    public static readonly nuint SignalMsi = Iow(0xa5, 32);           // struct kvm_msi
    public static readonly nuint GetStatsFd = Io(0xce);               // KVM_CAP_BINARY_STATS_FD

    // vCPU ioctls.
    public static readonly nuint Run = Io(0x80);
    public static readonly nuint GetRegs = Ior(0x81, 144);            // struct kvm_regs
    public static readonly nuint SetRegs = Iow(0x82, 144);
    public static readonly nuint GetSregs = Ior(0x83, 312);           // struct kvm_sregs
    public static readonly nuint SetSregs = Iow(0x84, 312);
    public static readonly nuint SetMsrs = Iow(0x89, 8);              // struct kvm_msrs header
    public static readonly nuint SetCpuid2 = Iow(0x90, 8);            // struct kvm_cpuid2 header
    public static readonly nuint GetMpState = Ior(0x98, 4);           // struct kvm_mp_state
    public static readonly nuint SetMpState = Iow(0x99, 4);
    public static readonly nuint GetTscKhz = Io(0xa3);
}
