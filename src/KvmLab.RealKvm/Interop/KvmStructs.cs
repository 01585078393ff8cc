using System.Runtime.InteropServices;

namespace KvmLab.RealKvm.Interop;

// Small ioctl argument structs, laid out as in include/uapi/linux/kvm.h (sizes checked by
// InteropLayoutTests). Internal: only the safe wrappers fill them.

/// <summary>struct kvm_userspace_memory_region: 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmUserspaceMemoryRegion
{
    public uint Slot;
    public uint Flags;
    public ulong GuestPhysAddr;
    public ulong MemorySize;
    public ulong UserspaceAddr;
}

/// <summary>struct kvm_cpuid_entry2: 40 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmCpuidEntry2
{
    public uint Function, Index, Flags, Eax, Ebx, Ecx, Edx, Pad0, Pad1, Pad2;
}

/// <summary>struct kvm_enable_cap: cap, flags, args[4], pad[64]; 104 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KvmEnableCap
{
    public uint Cap;
    public uint Flags;
    public fixed ulong Args[4];
    public fixed byte Pad[64];
}

/// <summary>struct kvm_irqfd: fd, gsi, flags, resamplefd, pad[16]; 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KvmIrqfd
{
    public uint Fd, Gsi, Flags, ResampleFd;
    public fixed byte Pad[16];
}

/// <summary>struct kvm_ioeventfd: datamatch, addr, len, fd, flags, pad[36]; 64 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KvmIoeventfd
{
    public const uint FlagDatamatch = 1 << 0;
    public const uint FlagPio = 1 << 1;
    public const uint FlagDeassign = 1 << 2;
    public ulong Datamatch;
    public ulong Addr;
    public uint Len;
    public int Fd;
    public uint Flags;
    public fixed byte Pad[36];
}

/// <summary>struct kvm_msi: address_lo/hi, data, flags, devid, pad[12]; 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KvmMsi
{
    public uint AddressLo, AddressHi, Data, Flags, DevId;
    public fixed byte Pad[12];
}

/// <summary>struct kvm_irq_routing_entry with the MSI member of its union: 48 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KvmIrqRoutingEntry
{
    public const uint TypeMsi = 2; // KVM_IRQ_ROUTING_MSI
    public uint Gsi, Type, Flags, Pad;
    public uint MsiAddressLo, MsiAddressHi, MsiData, MsiDevId;
    public fixed uint UnionPad[4];
}

/// <summary>struct kvm_msr_entry: index, reserved, data; 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmMsrEntry
{
    public uint Index, Reserved;
    public ulong Data;
}
