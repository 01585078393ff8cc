using Iced.Intel;
using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Tests.Guests;
using static Iced.Intel.AssemblerRegisters;

namespace KvmLab.RealKvm.Tests;

public class WatchdogTests
{
    private static TinyVm GuestThat(Action<GuestAssembler> emit, out Kvm kvm)
    {
        kvm = Kvm.Open();
        TinyVm vm = TinyVm.Create(kvm, new TinyVmOptions());
        var g = new GuestAssembler();
        Label entry = g.A.CreateLabel("entry");
        g.A.Label(ref entry);
        emit(g);
        g.EmitExceptionStubs();
        AssembledGuest code = g.Assemble();
        vm.Load(code);
        vm.Start(0, code.Address(entry));
        return vm;
    }

    [KvmFact]
    public void GuestThatNeverExits_IsKickedAndReported()
    {
        using TinyVm vm = GuestThat(g =>
        {
            Label user = g.A.CreateLabel("user");
            g.EmitDropToUser(user, 0, interrupts: false);
            g.A.Label(ref user);
            g.A.jmp(user);                      // spins at CPL3 forever, no exit
        }, out Kvm kvm);
        using (kvm)
        {
            var e = Assert.Throws<VcpuStuckException>(() => GuestRun.RunVcpu0(vm, TimeSpan.FromMilliseconds(300)));
            Assert.Contains("did not finish within", e.Message, StringComparison.Ordinal);
            // The vCPU is usable again after the kick: its fds are intact.
            Assert.True(vm.Vcpus[0].TscKhz() > 0);
        }
    }

    [KvmFact]
    public void GuestException_IsReportedWithItsVector()
    {
        using TinyVm vm = GuestThat(g => g.A.ud2(), out Kvm kvm);
        using (kvm)
        {
            var e = Assert.Throws<KvmException>(() => GuestRun.RunVcpu0(vm));
            Assert.Contains("#UD", e.Message, StringComparison.Ordinal);
        }
    }

    [KvmFact]
    public void Cancellation_StopsTheRunLoop()
    {
        using TinyVm vm = GuestThat(g =>
        {
            Label user = g.A.CreateLabel("user");
            g.EmitDropToUser(user, 0, interrupts: false);
            g.A.Label(ref user);
            g.A.jmp(user);
        }, out Kvm kvm);
        using (kvm)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            var runner = new VcpuRunner(vm.Vcpus[0], "test");
            Assert.ThrowsAny<OperationCanceledException>(() => runner.Run(_ => true, TimeSpan.FromSeconds(10), cts.Token));
        }
    }

    [KvmFact]
    public void StopBeforeRun_IsNotLost()
    {
        using TinyVm vm = GuestThat(g =>
        {
            Label user = g.A.CreateLabel("user");
            g.EmitDropToUser(user, 0, interrupts: false);
            g.A.Label(ref user);
            g.A.jmp(user);
        }, out Kvm kvm);
        using (kvm)
        {
            var runner = new VcpuRunner(vm.Vcpus[0], "test");
            runner.Stop();
            runner.Run(_ => true, TimeSpan.FromSeconds(10)); // returns at once instead of waiting for the watchdog
            Assert.Equal(0, runner.Exits);
        }
    }

    [Fact]
    public void Unavailable_NamesOpenAndErrno()
    {
        string? why = Kvm.Unavailable("/nonexistent/kvm");
        Assert.Equal("open(/nonexistent/kvm) failed: ENOENT (No such file or directory)", why);
    }
}
