using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Tests.Guests;

/// <summary>Runs vCPU 0 of a guest on the test thread and records every exit it returns.</summary>
internal static class GuestRun
{
    public static List<VcpuExit> RunVcpu0(TinyVm vm, TimeSpan? timeout = null)
    {
        var exits = new List<VcpuExit>();
        var runner = new VcpuRunner(vm.Vcpus[0], "test");
        Func<VcpuExit, bool> handler = ProbeExits.Handler("test");
        runner.Run(e => { exits.Add(e); return handler(e); }, timeout ?? TimeSpan.FromSeconds(5));
        return exits;
    }
}
