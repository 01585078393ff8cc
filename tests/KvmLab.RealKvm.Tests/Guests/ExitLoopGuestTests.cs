using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Tests.Guests;

public class ExitLoopGuestTests
{
    private const int N = 50;

    [KvmFact]
    public void MmioUser_Cpl3_ExitsOncePerIterationThenDone()
    {
        using Kvm kvm = Kvm.Open();
        using TinyVm vm = TinyVm.Create(kvm, new TinyVmOptions());
        ExitLoopGuest g = ExitLoopGuest.Build(ExitKind.MmioUser, cpl3: true, baseline: false);
        vm.Load(g.Code);
        vm.Start(0, g.Entry, rdi: GuestLayout.SampleBuffer(0), r9: N);

        List<VcpuExit> exits = GuestRun.RunVcpu0(vm);

        Assert.Equal(N + 1, exits.Count);
        Assert.All(exits.Take(N), e => Assert.Equal(new VcpuExit(KvmExitReason.Mmio, GuestLayout.UserMmio, 4, true, e.Data), e));
        Assert.Equal(ExitAction.Done, ProbeExits.Classify(exits[^1]));
        for (int i = 0; i < N; i++)
        {
            Assert.InRange(vm.Memory.ReadUInt64(new Gpa(GuestLayout.SampleBuffer(0) + ((ulong)i * 8))), 1UL, 10_000_000_000UL);
        }
    }
}
