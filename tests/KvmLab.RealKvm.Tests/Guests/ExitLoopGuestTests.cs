using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Tests.Guests;

public class ExitLoopGuestTests
{
    private const int N = 50;

    private static (List<VcpuExit> Exits, TinyVm Vm, EventFd Evt) Run(ExitKind kind, bool cpl3, bool baseline)
    {
        Kvm kvm = Kvm.Open();
        TinyVm vm = TinyVm.Create(kvm, new TinyVmOptions());
        kvm.Dispose(); // the VM fd keeps KVM alive
        var evt = new EventFd(nonBlocking: true);
        if (kind == ExitKind.MmioEventfd)
        {
            vm.Vm.Ioeventfd(evt, GuestLayout.EventMmio, 4, pio: false);
        }
        else if (kind == ExitKind.PioEventfd)
        {
            vm.Vm.Ioeventfd(evt, GuestLayout.EventPort, 1, pio: true);
        }

        ExitLoopGuest g = ExitLoopGuest.Build(kind, cpl3, baseline);
        vm.Load(g.Code);
        vm.Start(0, g.Entry, rdi: GuestLayout.SampleBuffer(0), r9: N);
        return (GuestRun.RunVcpu0(vm), vm, evt);
    }

    private static void AssertSamplesPositive(TinyVm vm)
    {
        for (int i = 0; i < N; i++)
        {
            Assert.InRange(vm.Memory.ReadUInt64(new Gpa(GuestLayout.SampleBuffer(0) + ((ulong)i * 8))), 1UL, 10_000_000_000UL);
        }
    }

    [KvmFact]
    public void MmioUser_Cpl3_ExitsOncePerIterationThenDone()
    {
        (List<VcpuExit> exits, TinyVm vm, EventFd evt) = Run(ExitKind.MmioUser, cpl3: true, baseline: false);
        using (vm)
        using (evt)
        {
            Assert.Equal(N + 1, exits.Count);
            Assert.All(exits.Take(N), e => Assert.Equal(new VcpuExit(KvmExitReason.Mmio, GuestLayout.UserMmio, 4, true, e.Data), e));
            Assert.Equal(ExitAction.Done, ProbeExits.Classify(exits[^1]));
            AssertSamplesPositive(vm);
        }
    }

    [KvmFact]
    public void PioUser_Cpl0_ExitsOncePerIterationThenDone()
    {
        (List<VcpuExit> exits, TinyVm vm, EventFd evt) = Run(ExitKind.PioUser, cpl3: false, baseline: false);
        using (vm)
        using (evt)
        {
            Assert.Equal(N + 1, exits.Count);
            Assert.All(exits.Take(N), e => Assert.Equal(new VcpuExit(KvmExitReason.Io, GuestLayout.UserPort, 1, true, e.Data), e));
            Assert.Equal(ExitAction.Done, ProbeExits.Classify(exits[^1]));
        }
    }

    [KvmTheory]
    [InlineData(ExitKind.Cpuid, true)]
    [InlineData(ExitKind.MmioEventfd, true)]
    [InlineData(ExitKind.Cpuid, false)]
    [InlineData(ExitKind.Rdmsr, false)]
    [InlineData(ExitKind.Wrmsr, false)]
    [InlineData(ExitKind.PioEventfd, false)]
    [InlineData(ExitKind.MmioEventfd, false)]
    public void InKernelExits_OnlyTheDoneExitReachesUserspace(ExitKind kind, bool cpl3)
    {
        (List<VcpuExit> exits, TinyVm vm, EventFd evt) = Run(kind, cpl3, baseline: false);
        using (vm)
        using (evt)
        {
            Assert.Equal(ExitAction.Done, ProbeExits.Classify(Assert.Single(exits)));
            AssertSamplesPositive(vm);
            if (kind is ExitKind.MmioEventfd or ExitKind.PioEventfd)
            {
                Assert.Equal((ulong)N, evt.Read()); // every store signalled the eventfd once
            }
        }
    }

    [KvmFact]
    public void Baseline_HasNoUserExits()
    {
        (List<VcpuExit> exits, TinyVm vm, EventFd evt) = Run(ExitKind.MmioUser, cpl3: true, baseline: true);
        using (vm)
        using (evt)
        {
            Assert.Equal(ExitAction.Done, ProbeExits.Classify(Assert.Single(exits)));
        }
    }

    [KvmFact]
    public void PioUser_Cpl3WithIopl3_EitherExitsPerIterationOrFaultsWithGp()
    {
        // Architecturally IOPL 3 allows ring-3 OUT (VMX/SVM hosts exit per iteration); PVM here raises #GP.
        try
        {
            (List<VcpuExit> exits, TinyVm vm, EventFd evt) = Run(ExitKind.PioUser, cpl3: true, baseline: false);
            vm.Dispose();
            evt.Dispose();
            Assert.Equal(N + 1, exits.Count);
            Assert.All(exits.Take(N), e => Assert.Equal(KvmExitReason.Io, e.Reason));
        }
        catch (KvmException e)
        {
            Assert.Contains("guest exception #GP", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PrivilegedKinds_AreNotAllowedAtCpl3()
    {
        Assert.False(ExitLoopGuest.AllowedAtCpl3(ExitKind.Rdmsr));
        Assert.False(ExitLoopGuest.AllowedAtCpl3(ExitKind.Wrmsr));
        Assert.True(ExitLoopGuest.AllowedAtCpl3(ExitKind.PioUser));
        Assert.True(ExitLoopGuest.AllowedAtCpl3(ExitKind.MmioUser));
    }
}
