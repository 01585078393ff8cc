using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm;

/// <summary>A VM fd: memory slots, the interrupt controller, eventfd wiring, vCPUs.</summary>
public sealed unsafe class VmFd : IDisposable
{
    private readonly Kvm _kvm;
    private int _fd;

    internal VmFd(Kvm kvm, int fd)
    {
        _kvm = kvm;
        _fd = fd;
    }

    internal int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(VmFd));

    public Kvm System => _kvm;

    public int CheckExtension(KvmCap cap)
    {
        int r = Libc.Ioctl(Fd, Ioctls.CheckExtension, (nint)cap);
        return r < 0 ? throw KvmException.Last($"KVM_CHECK_EXTENSION({cap}) on the VM") : r;
    }

    public void SetUserMemoryRegion(uint slot, Gpa gpa, GuestMemory memory)
    {
        var region = new KvmUserspaceMemoryRegion
        {
            Slot = slot,
            GuestPhysAddr = gpa.Value,
            MemorySize = memory.Size,
            UserspaceAddr = (ulong)memory.HostAddress,
        };
        // Safe: the struct is a local with the kernel's layout; KVM copies it during the call.
        Check(Libc.Ioctl(Fd, Ioctls.SetUserMemoryRegion, &region), "KVM_SET_USER_MEMORY_REGION");
    }

    public void SetTssAddr(ulong gpa) => Check(Libc.Ioctl(Fd, Ioctls.SetTssAddr, (nint)gpa), "KVM_SET_TSS_ADDR");

    /// <summary>Full in-kernel irqchip: PIC, IOAPIC and a LAPIC per vCPU (before any vCPU exists).</summary>
    public void CreateIrqchip() => Check(Libc.Ioctl(Fd, Ioctls.CreateIrqchip, 0), "KVM_CREATE_IRQCHIP");

    /// <summary>KVM_ENABLE_CAP on the VM with up to four arguments.</summary>
    public void EnableCap(KvmCap cap, ulong arg0 = 0, ulong arg1 = 0)
    {
        var c = new KvmEnableCap { Cap = (uint)cap };
        c.Args[0] = arg0;
        c.Args[1] = arg1;
        // Safe: local struct with the kernel's layout, read by KVM during the call.
        Check(Libc.Ioctl(Fd, Ioctls.EnableCap, &c), $"KVM_ENABLE_CAP({cap})");
    }

    public VcpuFd CreateVcpu(int id)
    {
        int fd = Libc.Ioctl(Fd, Ioctls.CreateVcpu, id);
        if (fd < 0)
        {
            throw KvmException.Last($"KVM_CREATE_VCPU({id})");
        }

        return new VcpuFd(id, fd, _kvm.VcpuMmapSize());
    }

    /// <summary>KVM_SET_GSI_ROUTING with one MSI route: gsi -> (address, data).</summary>
    public void SetMsiRoute(uint gsi, uint addressLo, uint data)
    {
        byte* buf = stackalloc byte[8 + sizeof(KvmIrqRoutingEntry)];
        new Span<byte>(buf, 8 + sizeof(KvmIrqRoutingEntry)).Clear();
        *(uint*)buf = 1; // nr
        var e = (KvmIrqRoutingEntry*)(buf + 8);
        e->Gsi = gsi;
        e->Type = KvmIrqRoutingEntry.TypeMsi;
        e->MsiAddressLo = addressLo;
        e->MsiData = data;
        // Safe: a stack buffer holding struct kvm_irq_routing with nr = 1 entry, read during the call.
        Check(Libc.Ioctl(Fd, Ioctls.SetGsiRouting, buf), "KVM_SET_GSI_ROUTING");
    }

    public void Irqfd(EventFd fd, uint gsi)
    {
        var s = new KvmIrqfd { Fd = (uint)fd.Fd, Gsi = gsi };
        // Safe: local struct read during the call.
        Check(Libc.Ioctl(Fd, Ioctls.Irqfd, &s), "KVM_IRQFD");
    }

    public void Ioeventfd(EventFd fd, ulong address, uint length, bool pio)
    {
        var s = new KvmIoeventfd { Addr = address, Len = length, Fd = fd.Fd, Flags = pio ? KvmIoeventfd.FlagPio : 0 };
        // Safe: local struct read during the call.
        Check(Libc.Ioctl(Fd, Ioctls.Ioeventfd, &s), "KVM_IOEVENTFD");
    }

    /// <summary>KVM_SIGNAL_MSI; returns &gt;0 delivered, 0 blocked by the guest.</summary>
    public int SignalMsi(uint addressLo, uint data)
    {
        var s = new KvmMsi { AddressLo = addressLo, Data = data };
        // Safe: local struct read during the call.
        int r = Libc.Ioctl(Fd, Ioctls.SignalMsi, &s);
        return r < 0 ? throw KvmException.Last("KVM_SIGNAL_MSI") : r;
    }

    /// <summary>KVM_GET_STATS_FD: a binary statistics fd (Documentation/virt/kvm/api.rst 4.133), or -1 when unsupported.</summary>
    public int TryGetStatsFd() => Libc.Ioctl(Fd, Ioctls.GetStatsFd, 0);

    private static void Check(int r, string call)
    {
        if (r < 0)
        {
            throw KvmException.Last(call);
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Libc.Close(_fd);
            _fd = -1;
        }
    }
}
