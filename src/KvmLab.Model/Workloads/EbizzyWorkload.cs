using System.Globalization;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// ebizzy -M (LTP utils/benchmark/ebizzy-0.3; threads = 2 x online CPUs, 512 KiB chunks): each
/// thread copies a random chunk into a freshly malloc'ed buffer, binary-searches it, and frees
/// it. With -M (M_MMAP_MAX 0) the buffer comes from the thread's heap, and freeing it trims the
/// heap (MADV_DONTNEED): the next copy faults every page back in, and each trim zaps the pages
/// under the mm's page-table lock and shoots down the TLB of every CPU running the process
/// (flush_tlb_mm_range -> smp_call_function_many with wait, PV TLB flush off as in Li 2020).
/// Reports records (iterations) per second, as ebizzy prints them.
/// </summary>
public sealed class EbizzyWorkload : IWorkload
{
    private readonly HashSet<GuestTask> _threads = [];
    private long _records;
    private HostContext? _host;
    private GuestSpinlock? _mmLock;

    /// <summary>-t: threads (default 2 x vCPUs).</summary>
    public int Threads { get; init; }

    /// <summary>memcpy of a 512 KiB chunk and the bsearch, in user mode. ESTIMATE: 100 us (~5 GB/s from cold pages).</summary>
    public SimSpan CopyAndSearch { get; init; } = SimSpan.FromMicroseconds(100);

    /// <summary>128 anonymous page faults refilling the trimmed buffer, in kernel mode. ESTIMATE: 1 us each (fault entry, page allocation, zeroing 4 KiB).</summary>
    public SimSpan Faults { get; init; } = SimSpan.FromMicroseconds(128);

    /// <summary>The trim's zap of 128 PTEs outside the lock. ESTIMATE: 5 us.</summary>
    public SimSpan Zap { get; init; } = SimSpan.FromMicroseconds(5);

    /// <summary>Time under the mm's page-table lock per trim. ESTIMATE: 2 us.</summary>
    public SimSpan LockHold { get; init; } = SimSpan.FromMicroseconds(2);

    /// <summary>flush_tlb_func on each target (a full flush for a 128-page range above the ceiling). ESTIMATE: 1 us.</summary>
    public SimSpan FlushCost { get; init; } = SimSpan.FromMicroseconds(1);

    public string Id => "ebizzy";

    public string PrimaryMetric => "records_per_s";

    public bool Finished => false;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        GuestKernel k = vm.Guest;
        int n = vm.Vcpus.Count;
        int threads = Threads > 0 ? Threads : 2 * n;
        _mmLock = new GuestSpinlock("mm->page_table_lock", k.Config.Spinlock);
        for (int t = 0; t < threads; t++)
        {
            var task = new GuestTask($"ebizzy/{t}", t % n, Thread(k));
            _threads.Add(task);
            k.AddTask(task);
        }
    }

    private IEnumerable<GuestOp> Thread(GuestKernel k)
    {
        while (true)
        {
            yield return GuestOp.Compute(Faults);
            yield return GuestOp.UserCompute(CopyAndSearch);
            yield return GuestOp.Compute(Zap);
            yield return GuestOp.Run((cpu, then) => _mmLock!.Lock(cpu, then));
            yield return GuestOp.Compute(LockHold);
            yield return GuestOp.Run((cpu, then) => _mmLock!.Unlock(cpu, then));
            yield return GuestOp.Run(Shootdown);

            if (_host!.Measuring)
            {
                _records++;
            }
        }
    }

    /// <summary>
    /// flush_tlb_mm_range: smp_call_function_many(wait=1) to mm_cpumask without the lazy-TLB
    /// CPUs, i.e. the other CPUs whose current task is an ebizzy thread.
    /// </summary>
    private void Shootdown(GuestCpu cpu, Action then)
    {
        GuestKernel k = cpu.Kernel;
        var targets = new List<int>(k.Cpus.Count);
        foreach (GuestCpu c in k.Cpus)
        {
            if (c != cpu && c.CurrentTask is { } t && _threads.Contains(t))
            {
                targets.Add(c.Id);
            }
        }

        if (targets.Count == 0)
        {
            then();
            return;
        }

        k.SmpCallFunctionMany(cpu, [.. targets], FlushCost, wait: true, then);
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - host.MeasureFrom).Seconds, 1e-12);
        return [new("records_per_s", _records / seconds, "1/s"), new("records", _records, "count")];
    }

    public IReadOnlyList<string> Summary(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - host.MeasureFrom).Seconds, 1e-12);
        return [string.Create(CultureInfo.InvariantCulture, $"{(long)(_records / seconds)} records/s")];
    }
}
