using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// A kernel spinlock-heavy workload (a lock-torture-like loop): one thread per vCPU alternates
/// kernel work outside and inside a spinlock shared by all threads (or one of several locks).
/// It is where lock-holder and lock-waiter preemption show most plainly. Reports lock
/// acquisitions per second.
/// </summary>
public sealed class LockStressWorkload : IWorkload
{
    private GuestSpinlock[] _locks = [];
    private long _ops;
    private HostContext? _host;

    public int Locks { get; init; } = 1;

    /// <summary>Kernel work between critical sections. ESTIMATE-free workload knob.</summary>
    public SimSpan Outside { get; init; } = SimSpan.FromMicroseconds(20);

    /// <summary>Time holding the lock.</summary>
    public SimSpan Inside { get; init; } = SimSpan.FromMicroseconds(1);

    public string Id => "lock-stress";

    public string PrimaryMetric => "locks_per_s";

    public bool Finished => false;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        GuestKernel k = vm.Guest;
        _locks = [.. Enumerable.Range(0, Math.Max(1, Locks)).Select(i => new GuestSpinlock($"lock{i}", k.Config.Spinlock))];
        for (int c = 0; c < vm.Vcpus.Count; c++)
        {
            GuestSpinlock l = _locks[c % _locks.Length];
            k.AddTask(new GuestTask($"lock-stress/{c}", c, Thread(l)));
        }
    }

    private IEnumerable<GuestOp> Thread(GuestSpinlock l)
    {
        while (true)
        {
            yield return GuestOp.Compute(Outside);
            yield return GuestOp.Run(l.Lock);
            yield return GuestOp.Compute(Inside);
            yield return GuestOp.Run(l.Unlock);
            if (_host!.Measuring)
            {
                _ops++;
            }
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - host.MeasureFrom).Seconds, 1e-12);
        return
        [
            new("locks_per_s", _ops / seconds, "1/s"),
            new("lock_contended_share", 100.0 * _locks.Sum(l => l.Contended) / Math.Max(1, _locks.Sum(l => l.Acquisitions)), "%"),
            new("pv_kicks_per_s", _locks.Sum(l => l.Kicks) / host.Sim.Now.Seconds, "1/s"),
        ];
    }
}
