using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// pbzip2 (1.1.13 defaults: one consumer per CPU, 900,000-byte blocks, a producer that reads the
/// file into a queue of numCPU slots guarded by a mutex and condition variables, a writer): the
/// producer reads a block (kernel), the consumers compress blocks (user), the writer writes them
/// out in order (kernel). Waiting on the queue sleeps (futex), so wakeups and their reschedule
/// IPIs are what ties the threads together. Reports compressed blocks per second.
/// <para>
/// Memory (a <see cref="GuestMm"/>): blocks are <c>new char[]</c> of 900,000 bytes, above
/// glibc's 128 KiB mmap threshold, but the first free raises the dynamic threshold past them
/// (malloc.c free: mp_.mmap_threshold = chunksize, trim_threshold = 2x), so in steady state they
/// come from heaps. The producer is the main thread (main arena): each input block grows the heap
/// with brk (mmap_lock for writing) and faults its pages in as read() fills it; a consumer frees
/// the block into the main arena, and once the top chunk passes the trim threshold (every second
/// block: ESTIMATE, two freed blocks exceed 2x one block) systrim shrinks it with brk, whose zap
/// runs under the downgraded lock and shoots down the TLBs of the CPUs running the other
/// threads, mostly consumers compressing in user mode. Each consumer's output buffer lives in its
/// own arena: its pages fault in as the compressor writes them, and the writer's free trims that
/// heap with madvise(MADV_DONTNEED) (read lock, shootdown) every second block.
/// </para>
/// </summary>
public sealed class Pbzip2Workload : IWorkload
{
    /// <summary>A 900,000-byte block in 4 KiB pages.</summary>
    private const int BlockPages = 220;

    /// <summary>A compressed block (~250 KB) in pages.</summary>
    private const int OutputPages = 62;

    /// <summary>Frees per heap trim (ESTIMATE above).</summary>
    private const int FreesPerTrim = 2;

    private long _blocks;
    private HostContext? _host;
    private long _inputFrees;
    private long _outputFrees;

    /// <summary>Consumers (default: one per vCPU, as detectCPUs).</summary>
    public int Threads { get; init; }

    /// <summary>Reading a 900,000-byte block from the page cache. ESTIMATE: 100 us (~9 GB/s copy plus syscalls).</summary>
    public SimSpan ReadBlock { get; init; } = SimSpan.FromMicroseconds(100);

    /// <summary>BZ2_bzBuffToBuffCompress of one block at level 9. ESTIMATE: 90 ms (~10 MB/s per core).</summary>
    public SimSpan CompressBlock { get; init; } = SimSpan.FromMilliseconds(90);

    /// <summary>Writing one compressed block (~250 KB). ESTIMATE: 30 us.</summary>
    public SimSpan WriteBlock { get; init; } = SimSpan.FromMicroseconds(30);

    /// <summary>The process's address space (made at install).</summary>
    public GuestMm? Mm { get; private set; }

    public string Id => "pbzip2";

    public string PrimaryMetric => "blocks_per_s";

    public bool Finished => false;

    public void Install(HostContext host, Vm vm)
    {
        _host = host;
        GuestKernel k = vm.Guest;
        int n = vm.Vcpus.Count;
        int consumers = Threads > 0 ? Threads : n;
        var slots = new GuestWaitQueue("fifo->notFull");
        var items = new GuestWaitQueue("fifo->notEmpty");
        var written = new GuestWaitQueue("writer");
        for (int i = 0; i < n; i++)
        {
            // queueInit(numCPU): numCPU free slots to begin with.
            slots.Post();
        }

        Mm = new GuestMm("pbzip2", k.Config.Spinlock) { Costs = _host.Costs.Mm };
        Add(k, new GuestTask("pbzip2/producer", 0, Producer(slots, items)));
        Add(k, new GuestTask("pbzip2/writer", n > 1 ? 1 : 0, Writer(written)));
        for (int c = 0; c < consumers; c++)
        {
            Add(k, new GuestTask($"pbzip2/consumer{c}", c % n, Consumer(slots, items, written)));
        }
    }

    private void Add(GuestKernel k, GuestTask task)
    {
        Mm!.AddThread(task);
        k.AddTask(task);
    }

    private IEnumerable<GuestOp> Producer(GuestWaitQueue slots, GuestWaitQueue items)
    {
        while (true)
        {
            yield return GuestOp.WaitOn(slots);
            foreach (GuestOp op in Mm!.Mmap().Concat(Mm.FaultIn(BlockPages)))
            {
                yield return op; // brk grows the main heap; read() faults the block in
            }

            yield return GuestOp.Compute(ReadBlock);
            yield return GuestOp.Post(items);
        }
    }

    private IEnumerable<GuestOp> Consumer(GuestWaitQueue slots, GuestWaitQueue items, GuestWaitQueue written)
    {
        while (true)
        {
            yield return GuestOp.WaitOn(items);
            yield return GuestOp.Post(slots);
            foreach (GuestOp op in Mm!.FaultIn(OutputPages))
            {
                yield return op; // the output buffer's pages, as the compressor first writes them
            }

            yield return GuestOp.UserCompute(CompressBlock);
            if (++_inputFrees % FreesPerTrim == 0)
            {
                foreach (GuestOp op in Mm.Munmap(FreesPerTrim * BlockPages))
                {
                    yield return op; // delete[] of the input block: systrim shrinks the main heap by brk
                }
            }

            yield return GuestOp.Post(written);
        }
    }

    private IEnumerable<GuestOp> Writer(GuestWaitQueue written)
    {
        while (true)
        {
            yield return GuestOp.WaitOn(written);
            yield return GuestOp.Compute(WriteBlock);
            if (++_outputFrees % FreesPerTrim == 0)
            {
                foreach (GuestOp op in Mm!.MadviseDontneed(FreesPerTrim * OutputPages))
                {
                    yield return op; // delete[] of the output buffer: shrink_heap of the consumer's arena
                }
            }

            if (_host!.Measuring)
            {
                _blocks++;
            }
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - host.MeasureFrom).Seconds, 1e-12);
        return [new("blocks_per_s", _blocks / seconds, "1/s"), new("mb_per_s", _blocks * 0.9 / seconds, "MB/s"), .. MmMetrics.Of(Mm, host)];
    }
}
