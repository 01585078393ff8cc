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
/// </summary>
public sealed class Pbzip2Workload : IWorkload
{
    private long _blocks;
    private HostContext? _host;

    /// <summary>Consumers (default: one per vCPU, as detectCPUs).</summary>
    public int Threads { get; init; }

    /// <summary>Reading a 900,000-byte block from the page cache. ESTIMATE: 100 us (~9 GB/s copy plus syscalls).</summary>
    public SimSpan ReadBlock { get; init; } = SimSpan.FromMicroseconds(100);

    /// <summary>BZ2_bzBuffToBuffCompress of one block at level 9. ESTIMATE: 90 ms (~10 MB/s per core).</summary>
    public SimSpan CompressBlock { get; init; } = SimSpan.FromMilliseconds(90);

    /// <summary>Writing one compressed block (~250 KB). ESTIMATE: 30 us.</summary>
    public SimSpan WriteBlock { get; init; } = SimSpan.FromMicroseconds(30);

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

        k.AddTask(new GuestTask("pbzip2/producer", 0, Producer(slots, items)));
        k.AddTask(new GuestTask("pbzip2/writer", n > 1 ? 1 : 0, Writer(written)));
        for (int c = 0; c < consumers; c++)
        {
            k.AddTask(new GuestTask($"pbzip2/consumer{c}", c % n, Consumer(slots, items, written)));
        }
    }

    private IEnumerable<GuestOp> Producer(GuestWaitQueue slots, GuestWaitQueue items)
    {
        while (true)
        {
            yield return GuestOp.WaitOn(slots);
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
            yield return GuestOp.UserCompute(CompressBlock);
            yield return GuestOp.Post(written);
        }
    }

    private IEnumerable<GuestOp> Writer(GuestWaitQueue written)
    {
        while (true)
        {
            yield return GuestOp.WaitOn(written);
            yield return GuestOp.Compute(WriteBlock);
            if (_host!.Measuring)
            {
                _blocks++;
            }
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        double seconds = Math.Max((host.Sim.Now - host.MeasureFrom).Seconds, 1e-12);
        return [new("blocks_per_s", _blocks / seconds, "1/s"), new("mb_per_s", _blocks * 0.9 / seconds, "MB/s")];
    }
}
