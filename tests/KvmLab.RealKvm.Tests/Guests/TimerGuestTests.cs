using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Tests.Guests;

public class TimerGuestTests
{
    [KvmFact]
    public void EveryDeadlineFires_AfterTheDeadline_OnlyTheDoneExit()
    {
        const int n = 10;
        using Kvm kvm = Kvm.Open();
        using TinyVm vm = TinyVm.Create(kvm, new TinyVmOptions());
        long khz = vm.Vcpus[0].TscKhz();
        vm.Memory.WriteUInt64(new Gpa(GuestLayout.TimerDelta), (ulong)(khz / 20)); // 50 us
        TimerGuest g = TimerGuest.Build();
        vm.Load(g.Code);
        vm.Start(0, g.Entry, rdi: GuestLayout.SampleBuffer(0), r9: n);

        List<VcpuExit> exits = GuestRun.RunVcpu0(vm);

        Assert.Equal(ExitAction.Done, ProbeExits.Classify(Assert.Single(exits)));
        Assert.Equal((ulong)n, vm.Memory.ReadUInt64(new Gpa(GuestLayout.Ack)));
        for (int i = 0; i < n; i++)
        {
            long late = (long)vm.Memory.ReadUInt64(new Gpa(GuestLayout.SampleBuffer(0) + ((ulong)i * 8)));
            Assert.InRange(late, 0, khz * 1000); // never early, and under a second late
        }
    }
}
