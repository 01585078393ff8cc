using System.Runtime.InteropServices;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm;

/// <summary>/dev/kvm: the system fd. Creates VMs and answers capability checks.</summary>
public sealed unsafe class Kvm : IDisposable
{
    public const string DefaultPath = "/dev/kvm";

    private int _fd;

    private Kvm(int fd)
    {
        _fd = fd;
    }

    internal int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(Kvm));

    /// <summary>Opens /dev/kvm; throws <see cref="KvmException"/> naming open() and errno (ENOENT, EACCES, ...).</summary>
    public static Kvm Open(string path = DefaultPath)
    {
        int fd = Libc.Open(path, Libc.ORdWr | Libc.OCloExec);
        if (fd < 0)
        {
            throw KvmException.Last($"open({path})");
        }

        var kvm = new Kvm(fd);
        int version = Libc.Ioctl(fd, Ioctls.GetApiVersion, 0);
        if (version < 0)
        {
            var e = KvmException.Last($"KVM_GET_API_VERSION on {path} (not a KVM device?)");
            kvm.Dispose();
            throw e;
        }

        if (version != 12)
        {
            kvm.Dispose();
            throw new KvmException($"KVM_GET_API_VERSION returned {version}, expected 12 (Documentation/virt/kvm/api.rst 4.1)");
        }

        return kvm;
    }

    /// <summary>Why /dev/kvm cannot be used here, or null when it can.</summary>
    public static string? Unavailable(string path = DefaultPath)
    {
        try
        {
            using Kvm k = Open(path);
            return null;
        }
        catch (KvmException e)
        {
            return e.Message;
        }
    }

    public int CheckExtension(KvmCap cap)
    {
        int r = Libc.Ioctl(Fd, Ioctls.CheckExtension, (nint)cap);
        return r < 0 ? throw KvmException.Last($"KVM_CHECK_EXTENSION({cap})") : r;
    }

    public int VcpuMmapSize()
    {
        int r = Libc.Ioctl(Fd, Ioctls.GetVcpuMmapSize, 0);
        return r <= 0 ? throw KvmException.Last("KVM_GET_VCPU_MMAP_SIZE") : r;
    }

    /// <summary>KVM_GET_SUPPORTED_CPUID as a ready kvm_cpuid2 buffer for KVM_SET_CPUID2.</summary>
    public byte[] SupportedCpuid()
    {
        const int max = 256;
        int entrySize = Marshal.SizeOf<KvmCpuidEntry2>();
        byte[] buf = new byte[8 + (max * entrySize)];
        fixed (byte* p = buf)
        {
            // Safe: buf holds the 8-byte header plus room for nent entries, which KVM fills.
            *(uint*)p = max;
            if (Libc.Ioctl(Fd, Ioctls.GetSupportedCpuid, p) < 0)
            {
                throw KvmException.Last("KVM_GET_SUPPORTED_CPUID");
            }
        }

        return buf;
    }

    public VmFd CreateVm()
    {
        int fd = Libc.Ioctl(Fd, Ioctls.CreateVm, 0);
        return fd < 0 ? throw KvmException.Last("KVM_CREATE_VM") : new VmFd(this, fd);
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
