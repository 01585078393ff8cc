using KvmLab.Engine.Time;

namespace KvmLab.Model.Guest;

/// <summary>
/// One guest process's address space (Linux 5.10 <c>struct mm_struct</c>) as its threads use it:
/// the <c>mmap_lock</c> rwsem (<see cref="GuestRwsem"/>), anonymous page faults under it for
/// reading (do_user_addr_fault -> mmap_read_lock), mmap under it for writing, munmap and brk
/// shrink for writing and then downgraded to reading for the zap (__do_munmap with downgrade,
/// 5.0+), madvise(MADV_DONTNEED) for reading (madvise_need_mmap_write returns 0), and the TLB
/// shootdown that ends every zap (tlb_finish_mmu -> flush_tlb_mm_range ->
/// smp_call_function_many(wait=1) to the CPUs of mm_cpumask that are not in lazy TLB mode, i.e.
/// the other CPUs running one of this process's threads, in kernel or user mode: 5.10
/// native_flush_tlb_others with on_each_cpu_cond_mask(tlb_is_not_lazy)). Freed and faulted pages
/// pass the node's LRU lock (release_pages, __pagevec_lru_add: pgdat->lru_lock in 5.10).
/// The operations are op sequences a workload yields, so a thread that sleeps on the rwsem
/// resumes at the next step.
/// </summary>
public sealed class GuestMm
{
    /// <summary>PAGEVEC_SIZE (include/linux/pagevec.h, 5.10).</summary>
    private const int PagevecSize = 15;

    private readonly HashSet<GuestTask> _threads = [];

    public GuestMm(string name, SpinlockKind spinlock)
    {
        Name = name;
        MmapLock = new GuestRwsem($"{name}/mmap_lock");
        LruLock = new GuestSpinlock("pgdat->lru_lock", spinlock);
    }

    public string Name { get; }

    public GuestRwsem MmapLock { get; }

    public GuestSpinlock LruLock { get; }

    /// <summary>What its paths cost (the cost profile's <see cref="Hardware.CostProfile.Mm"/>).</summary>
    public required GuestMmCosts Costs { get; init; }

    /// <summary>Faults taken under one mmap_lock read hold. Linux takes the lock per fault; 8 per hold bounds the event count and delays a waiting writer by at most 7 faults (the line is still charged every fault's atomics).</summary>
    public int FaultsPerHold { get; init; } = 8;

    public long Shootdowns { get; private set; }

    /// <summary>Shootdown IPIs sent, over every target.</summary>
    public long ShootdownTargets { get; private set; }

    /// <summary>Targets that were running user code when the shootdown was sent.</summary>
    public long UserModeTargets { get; private set; }

    /// <summary>Makes <paramref name="task"/> one of this process's threads.</summary>
    public void AddThread(GuestTask task) => _threads.Add(task);

    public bool Owns(GuestTask task) => _threads.Contains(task);

    /// <summary>
    /// Touching <paramref name="pages"/> fresh pages: a write fault each, under the read lock;
    /// each fault's page goes to the CPU's LRU pagevec, which drains to the LRU under the lock
    /// every PAGEVEC_SIZE (15) pages (lru_cache_add -> __pagevec_lru_add).
    /// </summary>
    public IEnumerable<GuestOp> FaultIn(int pages)
    {
        int pagevec = 0;
        for (int done = 0; done < pages; done += FaultsPerHold)
        {
            int n = Math.Min(FaultsPerHold, pages - done);
            yield return GuestOp.Run(MmapLock.DownRead);
            yield return GuestOp.Compute(Costs.PageFault * n);
            if (n > 1)
            {
                // The batch's other n - 1 faults' down_read and up_read, on the count's line.
                yield return GuestOp.Run((cpu, then) => cpu.Compute(MmapLock.LineAtomics(cpu, 2 * (n - 1)), then));
            }

            pagevec += n;
            if (pagevec >= PagevecSize)
            {
                pagevec -= PagevecSize;
                foreach (GuestOp op in UnderLruLock(Costs.LruAddPerPage * PagevecSize))
                {
                    yield return op;
                }
            }

            yield return GuestOp.Run(MmapLock.UpRead);
        }
    }

    /// <summary>mmap of an anonymous region (or brk growing the heap): VMA work under the write lock.</summary>
    public IEnumerable<GuestOp> Mmap()
    {
        yield return GuestOp.Run(MmapLock.DownWrite);
        yield return GuestOp.Compute(Costs.VmaWork);
        yield return GuestOp.Run(MmapLock.UpWrite);
    }

    /// <summary>munmap (and brk shrinking the heap): the VMA detached under the write lock, then the zap and shootdown under the downgraded read lock.</summary>
    public IEnumerable<GuestOp> Munmap(int pages)
    {
        yield return GuestOp.Run(MmapLock.DownWrite);
        yield return GuestOp.Compute(Costs.VmaWork);
        yield return GuestOp.Run(MmapLock.Downgrade);
        foreach (GuestOp op in ZapAndFlush(pages))
        {
            yield return op;
        }

        yield return GuestOp.Run(MmapLock.UpRead);
    }

    /// <summary>madvise(MADV_DONTNEED): the zap and shootdown under the read lock (glibc's shrink_heap trims a thread arena so).</summary>
    public IEnumerable<GuestOp> MadviseDontneed(int pages)
    {
        yield return GuestOp.Run(MmapLock.DownRead);
        foreach (GuestOp op in ZapAndFlush(pages))
        {
            yield return op;
        }

        yield return GuestOp.Run(MmapLock.UpRead);
    }

    private IEnumerable<GuestOp> ZapAndFlush(int pages)
    {
        yield return GuestOp.Compute(Costs.ZapPerPage * pages);
        yield return GuestOp.Run(Shootdown);
        foreach (GuestOp op in UnderLruLock(Costs.ReleasePerPage * pages))
        {
            yield return op;
        }
    }

    private IEnumerable<GuestOp> UnderLruLock(SimSpan hold)
    {
        yield return GuestOp.Run(LruLock.Lock);
        yield return GuestOp.Compute(hold);
        yield return GuestOp.Run(LruLock.Unlock);
    }

    /// <summary>flush_tlb_mm_range: IPI every other CPU running a thread of this mm, and wait for their flushes.</summary>
    public void Shootdown(GuestCpu cpu, Action then)
    {
        GuestKernel k = cpu.Kernel;
        var targets = new List<int>(k.Cpus.Count);
        foreach (GuestCpu c in k.Cpus)
        {
            if (c != cpu && c.CurrentTask is { } t && _threads.Contains(t))
            {
                targets.Add(c.Id);
                if (c.UserMode)
                {
                    UserModeTargets++;
                }
            }
        }

        if (targets.Count == 0)
        {
            then();
            return;
        }

        Shootdowns++;
        ShootdownTargets += targets.Count;
        k.SmpCallFunctionMany(cpu, [.. targets], Costs.FlushCost, wait: true, then);
    }
}
