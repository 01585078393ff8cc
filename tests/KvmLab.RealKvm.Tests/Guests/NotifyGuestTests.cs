using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Tests.Guests;

public class NotifyGuestTests
{
    [KvmFact]
    public void UserDoorbell_EachExitAnsweredBySignalMsi()
    {
        const int n = 20;
        using Kvm kvm = Kvm.Open();
        using TinyVm vm = TinyVm.Create(kvm, new TinyVmOptions());
        NotifyGuest g = NotifyGuest.Build(GuestLayout.UserMmio);
        vm.Load(g.Code);
        vm.Start(0, g.Entry, rdi: GuestLayout.SampleBuffer(0), r9: n);
        var exits = new List<VcpuExit>();
        Func<VcpuExit, bool> handler = ProbeExits.Handler("test", _ => vm.Vm.SignalMsi(0xFEE0_0000, GuestLayout.VectorNotify));

        new VcpuRunner(vm.Vcpus[0], "test").Run(e => { exits.Add(e); return handler(e); }, TimeSpan.FromSeconds(5));

        Assert.Equal(n + 1, exits.Count);
        Assert.All(exits.Take(n), e => Assert.Equal(GuestLayout.UserMmio, e.Address));
        Assert.Equal(ExitAction.Done, ProbeExits.Classify(exits[^1]));
        Assert.Equal((ulong)n, vm.Memory.ReadUInt64(new Gpa(GuestLayout.Ack)));
    }
}
