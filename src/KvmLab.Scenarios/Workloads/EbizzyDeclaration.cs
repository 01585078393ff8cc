using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class EbizzyDeclaration : WorkloadDeclaration
{
    public override string Id => "ebizzy";

    public override string Summary => "ebizzy: threads copy, search and free 512 KiB chunks; heap trims (-M) or munmap (-m) fault pages back in under mmap_lock and shoot down TLBs (records/s)";

    public override string Citation => "LTP utils/benchmark/ebizzy-0.3 (-M, -m); glibc malloc/arena.c shrink_heap; Linux 5.10 kernel/locking/rwsem.c, mm/mmap.c, mm/madvise.c";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("threads", 0, 0, ScenarioLimits.MaxCount, "threads (-t; 0: two per vCPU)", "0: two per vCPU"),
        WorkloadParameter.Choice("alloc", "the buffer's allocation: trim (-M, default: heap trimmed by madvise), mmap (-m: mmap/munmap each record) or heap (neither: glibc keeps it mapped)", "trim", "mmap", "heap"),
    ];

    public override IWorkload Create(WorkloadArgs args) => new EbizzyWorkload
    {
        Threads = args.Int("threads"),
        Alloc = args.Choice("alloc") switch
        {
            "mmap" => EbizzyAlloc.Mmap,
            "heap" => EbizzyAlloc.Heap,
            _ => EbizzyAlloc.HeapTrim,
        },
    };

    public override IEnumerable<MemoryPart> Memory(IWorkload workload, int vcpus)
    {
        var e = (EbizzyWorkload)workload;
        return [new("threads", e.Threads > 0 ? e.Threads : 2L * vcpus, MemoryEstimate.PerGuestTask, "ebizzy threads")];
    }
}
