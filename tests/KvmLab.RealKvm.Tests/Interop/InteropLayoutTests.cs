using System.Runtime.CompilerServices;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Tests.Interop;

/// <summary>Struct sizes and ioctl numbers against the values the kernel headers produce (include/uapi/linux/kvm.h).</summary>
public class InteropLayoutTests
{
    [Fact]
    public void StructSizes_MatchTheKernel()
    {
        Assert.Equal(144, Unsafe.SizeOf<KvmRegs>());
        Assert.Equal(24, Unsafe.SizeOf<KvmSegment>());
        Assert.Equal(16, Unsafe.SizeOf<KvmDtable>());
        Assert.Equal(312, Unsafe.SizeOf<KvmSregs>());
        Assert.Equal(32, Unsafe.SizeOf<KvmUserspaceMemoryRegion>());
        Assert.Equal(40, Unsafe.SizeOf<KvmCpuidEntry2>());
        Assert.Equal(104, Unsafe.SizeOf<KvmEnableCap>());
        Assert.Equal(32, Unsafe.SizeOf<KvmIrqfd>());
        Assert.Equal(64, Unsafe.SizeOf<KvmIoeventfd>());
        Assert.Equal(32, Unsafe.SizeOf<KvmMsi>());
        Assert.Equal(48, Unsafe.SizeOf<KvmIrqRoutingEntry>());
        Assert.Equal(16, Unsafe.SizeOf<KvmMsrEntry>());
    }

    [Fact]
    public void IoctlNumbers_MatchTheKernel()
    {
        Assert.Equal((nuint)0xAE80, Ioctls.Run);
        Assert.Equal((nuint)0xAE01, Ioctls.CreateVm);
        Assert.Equal((nuint)0x4020AE46, Ioctls.SetUserMemoryRegion);
        Assert.Equal((nuint)0x8138AE83, Ioctls.GetSregs);
        Assert.Equal((nuint)0x4138AE84, Ioctls.SetSregs);
        Assert.Equal((nuint)0x8090AE81, Ioctls.GetRegs);
        Assert.Equal((nuint)0x4020AE76, Ioctls.Irqfd);
        Assert.Equal((nuint)0x4040AE79, Ioctls.Ioeventfd);
        Assert.Equal((nuint)0x4068AEA3, Ioctls.EnableCap);
        Assert.Equal((nuint)0x4020AEA5, Ioctls.SignalMsi);
        Assert.Equal((nuint)0xC008AE05, Ioctls.GetSupportedCpuid);
        Assert.Equal((nuint)0xAEA3, Ioctls.GetTscKhz);
    }
}
