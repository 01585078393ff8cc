using System.Globalization;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// ebizzy (LTP utils/benchmark/ebizzy-0.3; threads = 2 x online CPUs, 512 KiB chunks): each
/// thread copies a random chunk into a freshly allocated buffer, binary-searches it, and frees
/// it. How the buffer is allocated and freed is <see cref="Alloc"/>: with -M (the default here,
/// as in Li 2020) freeing trims the thread's heap by madvise(MADV_DONTNEED), so the next copy
/// faults every page back in under the mm's mmap_lock, and each trim zaps the pages and shoots
/// down the TLB of every other CPU running one of the threads (PV TLB flush off as in Li 2020);
/// with -m each record mmaps and munmaps, taking mmap_lock for writing. The address space is a
/// <see cref="GuestMm"/>. Reports records (iterations) per second, as ebizzy prints them.
/// </summary>
public sealed class EbizzyWorkload : IWorkload
{
    /// <summary>A 512 KiB chunk in 4 KiB pages.</summary>
    private const int ChunkPages = 128;

    private long _records;
    private HostContext? _host;

    /// <summary>-t: threads (default 2 x vCPUs).</summary>
    public int Threads { get; init; }

    /// <summary>-M, -m or neither.</summary>
    public EbizzyAlloc Alloc { get; init; } = EbizzyAlloc.HeapTrim;

    /// <summary>memcpy of a 512 KiB chunk and the bsearch, in user mode. ESTIMATE: 100 us (~5 GB/s from cold pages).</summary>
    public SimSpan CopyAndSearch { get; init; } = SimSpan.FromMicroseconds(100);

    /// <summary>The process's address space (made at install).</summary>
    public GuestMm? Mm { get; private set; }

    public string Id => "ebizzy";

    public string PrimaryMetric => "records_per_s";

    public bool Finished => false;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        GuestKernel k = vm.Guest;
        int n = vm.Vcpus.Count;
        int threads = Threads > 0 ? Threads : 2 * n;
        Mm = new GuestMm("ebizzy", k.Config.Spinlock) { Costs = host.Costs.Mm };
        for (int t = 0; t < threads; t++)
        {
            var task = new GuestTask($"ebizzy/{t}", t % n, Thread());
            Mm.AddThread(task);
            k.AddTask(task);
        }
    }

    private IEnumerable<GuestOp> Thread()
    {
        GuestMm mm = Mm!;
        while (true)
        {
            switch (Alloc)
            {
                case EbizzyAlloc.HeapTrim:
                    foreach (GuestOp op in mm.FaultIn(ChunkPages))
                    {
                        yield return op;
                    }

                    yield return GuestOp.UserCompute(CopyAndSearch);
                    foreach (GuestOp op in mm.MadviseDontneed(ChunkPages))
                    {
                        yield return op;
                    }

                    break;
                case EbizzyAlloc.Mmap:
                    foreach (GuestOp op in mm.Mmap().Concat(mm.FaultIn(ChunkPages)))
                    {
                        yield return op;
                    }

                    yield return GuestOp.UserCompute(CopyAndSearch);
                    foreach (GuestOp op in mm.Munmap(ChunkPages))
                    {
                        yield return op;
                    }

                    break;
                default:
                    yield return GuestOp.UserCompute(CopyAndSearch);
                    break;
            }

            if (_host!.Measuring)
            {
                _records++;
            }
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - host.MeasureFrom).Seconds, 1e-12);
        return [new("records_per_s", _records / seconds, "1/s"), new("records", _records, "count"), .. MmMetrics.Of(Mm, host)];
    }

    public IReadOnlyList<string> Summary(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - host.MeasureFrom).Seconds, 1e-12);
        return [string.Create(CultureInfo.InvariantCulture, $"{(long)(_records / seconds)} records/s")];
    }
}
