using System.Runtime.InteropServices;
using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm;

/// <summary>A vCPU fd and its mmapped kvm_run page.</summary>
public sealed unsafe class VcpuFd : IDisposable
{
    public const uint MpStateRunnable = 0;      // KVM_MP_STATE_RUNNABLE
    public const uint MpStateUninitialized = 1; // KVM_MP_STATE_UNINITIALIZED
    public const uint MpStateHalted = 3;        // KVM_MP_STATE_HALTED

    private int _fd;
    private byte* _run;
    private readonly int _runSize;

    internal VcpuFd(int id, int fd, int runSize)
    {
        Id = id;
        _fd = fd;
        _runSize = runSize;
        nint p = Libc.Mmap(0, (nuint)runSize, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared, fd, 0);
        if (p == -1)
        {
            var e = KvmException.Last($"mmap(kvm_run of vCPU {id})");
            _ = Libc.Close(fd);
            throw e;
        }

        _run = (byte*)p;
    }

    public int Id { get; }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(VcpuFd));

    /// <summary>The raw vCPU fd, for native code that runs this vCPU (the run-loop benchmark's C baseline).</summary>
    public int Handle => Fd;

    /// <summary>Host address of the mmapped kvm_run page, for the same native code.</summary>
    public nint RunPageAddress => _run != null ? (nint)_run : throw new ObjectDisposedException(nameof(VcpuFd));

    /// <summary>kvm_run as bytes (valid until Dispose).</summary>
    public ReadOnlySpan<byte> RunPage => new(_run, _runSize);

    /// <summary>kvm_run.immediate_exit: KVM_RUN returns EINTR at once while set (api.rst, KVM_CAP_IMMEDIATE_EXIT).</summary>
    public bool ImmediateExit
    {
        get => Volatile.Read(ref _run[KvmRunLayout.ImmediateExit]) != 0;
        // Safe: the page is mapped until Dispose; a byte store is atomic.
        set => Volatile.Write(ref _run[KvmRunLayout.ImmediateExit], value ? (byte)1 : (byte)0);
    }

    /// <summary>KVM_RUN; returns 0, or the errno (EINTR when kicked). Other errors throw.</summary>
    public int Run()
    {
        if (Libc.Ioctl(Fd, Ioctls.Run, 0) == 0)
        {
            return 0;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno is Libc.EIntr or Libc.EAgain ? errno : throw new KvmException($"KVM_RUN (vCPU {Id})", errno);
    }

    /// <summary>The exit KVM_RUN just returned with, decoded from kvm_run.</summary>
    public VcpuExit Exit => ExitDecoder.Decode(RunPage);

    public KvmRegs GetRegs()
    {
        KvmRegs r;
        // Safe: KVM writes sizeof(kvm_regs) bytes into the local.
        Check(Libc.Ioctl(Fd, Ioctls.GetRegs, &r), "KVM_GET_REGS");
        return r;
    }

    public void SetRegs(in KvmRegs regs)
    {
        fixed (KvmRegs* p = &regs)
        {
            // Safe: pinned for the call; KVM reads it.
            Check(Libc.Ioctl(Fd, Ioctls.SetRegs, p), "KVM_SET_REGS");
        }
    }

    public KvmSregs GetSregs()
    {
        KvmSregs s;
        // Safe: KVM writes sizeof(kvm_sregs) bytes into the local.
        Check(Libc.Ioctl(Fd, Ioctls.GetSregs, &s), "KVM_GET_SREGS");
        return s;
    }

    public void SetSregs(in KvmSregs sregs)
    {
        fixed (KvmSregs* p = &sregs)
        {
            // Safe: pinned for the call; KVM reads it.
            Check(Libc.Ioctl(Fd, Ioctls.SetSregs, p), "KVM_SET_SREGS");
        }
    }

    /// <summary>KVM_SET_CPUID2 with a buffer from <see cref="Kvm.SupportedCpuid"/>.</summary>
    public void SetCpuid(byte[] cpuid2)
    {
        fixed (byte* p = cpuid2)
        {
            // Safe: a kvm_cpuid2 header with nent entries that fit the array (KVM filled it).
            Check(Libc.Ioctl(Fd, Ioctls.SetCpuid2, p), "KVM_SET_CPUID2");
        }
    }

    public uint GetMpState()
    {
        uint s;
        // Safe: 4-byte struct kvm_mp_state local.
        Check(Libc.Ioctl(Fd, Ioctls.GetMpState, &s), "KVM_GET_MP_STATE");
        return s;
    }

    public void SetMpState(uint state) =>
        // Safe: 4-byte struct kvm_mp_state on the stack, read during the call.
        Check(Libc.Ioctl(Fd, Ioctls.SetMpState, &state), "KVM_SET_MP_STATE");

    /// <summary>KVM_SET_MSRS with one MSR (host-initiated write).</summary>
    public void SetMsr(uint index, ulong value)
    {
        byte* buf = stackalloc byte[8 + 16];
        *(uint*)buf = 1;
        *(uint*)(buf + 4) = 0;
        var e = (KvmMsrEntry*)(buf + 8);
        *e = new KvmMsrEntry { Index = index, Data = value };
        // Safe: struct kvm_msrs with one entry on the stack; returns the number of MSRs set.
        int r = Libc.Ioctl(Fd, Ioctls.SetMsrs, buf);
        if (r != 1)
        {
            throw r < 0 ? KvmException.Last($"KVM_SET_MSRS(0x{index:x})") : new KvmException($"KVM_SET_MSRS(0x{index:x}) rejected the value 0x{value:x}");
        }
    }

    /// <summary>KVM_GET_TSC_KHZ: the guest TSC frequency in kHz.</summary>
    public long TscKhz()
    {
        int r = Libc.Ioctl(Fd, Ioctls.GetTscKhz, 0);
        return r <= 0 ? throw KvmException.Last("KVM_GET_TSC_KHZ") : r;
    }

    public void EnableCap(KvmCap cap, ulong arg0 = 0)
    {
        var c = new KvmEnableCap { Cap = (uint)cap };
        c.Args[0] = arg0;
        // Safe: local struct read during the call.
        Check(Libc.Ioctl(Fd, Ioctls.EnableCap, &c), $"KVM_ENABLE_CAP({cap}) on vCPU {Id}");
    }

    /// <summary>This vCPU's KVM statistics (KVM_GET_STATS_FD on the vCPU fd), or null when unsupported.</summary>
    public Dictionary<string, ulong>? Stats()
    {
        int fd = Libc.Ioctl(Fd, Ioctls.GetStatsFd, 0);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            return KvmStats.Read(fd);
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    private void Check(int r, string call)
    {
        if (r < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new KvmException($"{call} (vCPU {Id})", errno);
        }
    }

    public void Dispose()
    {
        if (_run != null)
        {
            _ = Libc.Munmap((nint)_run, (nuint)_runSize);
            _run = null;
        }

        if (_fd >= 0)
        {
            _ = Libc.Close(_fd);
            _fd = -1;
        }
    }
}
