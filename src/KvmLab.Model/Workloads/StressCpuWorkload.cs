using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>`stress --cpu N` with N = vCPUs: one user-mode hog per vCPU (sqrt() in a loop), never exiting on its own.</summary>
public sealed class StressCpuWorkload : IWorkload
{
    private static readonly SimSpan Chunk = SimSpan.FromMilliseconds(50);

    public string Id => "stress";

    public string PrimaryMetric => "hogs";

    public bool Finished => false;

    private int _hogs;

    public void Install(HostContext host, Vm vm)
    {
        for (int c = 0; c < vm.Vcpus.Count; c++)
        {
            vm.Guest.AddTask(new GuestTask($"stress/{c}", c, Hog()));
            _hogs++;
        }
    }

    private static IEnumerable<GuestOp> Hog()
    {
        while (true)
        {
            yield return GuestOp.UserCompute(Chunk);
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host) => [new("hogs", _hogs, "count")];
}
