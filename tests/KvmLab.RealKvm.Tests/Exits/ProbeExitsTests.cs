using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Tests.Exits;

public class ProbeExitsTests
{
    [Fact]
    public void Classify_Doorbells()
    {
        Assert.Equal(ExitAction.Done, ProbeExits.Classify(new VcpuExit(KvmExitReason.Mmio, GuestLayout.DoneMmio, 4, true)));
        Assert.Equal(ExitAction.Continue, ProbeExits.Classify(new VcpuExit(KvmExitReason.Mmio, GuestLayout.UserMmio, 4, true)));
        Assert.Equal(ExitAction.Continue, ProbeExits.Classify(new VcpuExit(KvmExitReason.Io, GuestLayout.UserPort, 1, true)));
        Assert.Equal(ExitAction.FaultWord, ProbeExits.Classify(new VcpuExit(KvmExitReason.Mmio, GuestLayout.FaultMmio + 8, 8, true)));
        Assert.Equal(ExitAction.Fault, ProbeExits.Classify(new VcpuExit(KvmExitReason.Mmio, GuestLayout.FaultMmio, 4, true, 13)));
    }

    [Fact]
    public void Classify_AnythingElseIsUnexpected()
    {
        Assert.Equal(ExitAction.Unexpected, ProbeExits.Classify(new VcpuExit(KvmExitReason.Shutdown)));
        Assert.Equal(ExitAction.Unexpected, ProbeExits.Classify(new VcpuExit(KvmExitReason.Hlt)));
        Assert.Equal(ExitAction.Unexpected, ProbeExits.Classify(new VcpuExit(KvmExitReason.Mmio, 0x1234, 4, true)));
    }

    [Fact]
    public void Handler_FaultThrowsWithVectorNameAndStackWords()
    {
        Func<VcpuExit, bool> h = ProbeExits.Handler("p");
        Assert.True(h(new VcpuExit(KvmExitReason.Mmio, GuestLayout.FaultMmio + 8, 8, true, 0)));
        Assert.True(h(new VcpuExit(KvmExitReason.Mmio, GuestLayout.FaultMmio + 16, 8, true, 0x20010)));

        var e = Assert.Throws<KvmException>(() => h(new VcpuExit(KvmExitReason.Mmio, GuestLayout.FaultMmio, 4, true, 13)));

        Assert.Contains("#GP", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x20010", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_UserExitCallbackAndDone()
    {
        int calls = 0;
        Func<VcpuExit, bool> h = ProbeExits.Handler("p", _ => calls++);
        Assert.True(h(new VcpuExit(KvmExitReason.Mmio, GuestLayout.UserMmio, 4, true)));
        Assert.False(h(new VcpuExit(KvmExitReason.Mmio, GuestLayout.DoneMmio, 4, true)));
        Assert.Equal(1, calls);
        Assert.Throws<KvmException>(() => h(new VcpuExit(KvmExitReason.Shutdown)));
    }
}
