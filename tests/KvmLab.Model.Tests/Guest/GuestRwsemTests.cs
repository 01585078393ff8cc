using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Guest;

/// <summary>
/// The mmap_lock rwsem's rules, each pinned to Linux 5.10 kernel/locking/rwsem.c: readers share;
/// a writer excludes; a reader queues behind a waiting writer (RWSEM_FLAG_WAITERS in
/// RWSEM_READ_FAILED_MASK); a waiter spins only while the writer owner runs
/// (rwsem_can_spin_on_owner) and a writer spins on readers for at most rwsem_rspin_threshold;
/// up_write wakes every queued reader (rwsem_mark_wake); downgrade_write lets readers in.
/// </summary>
public class GuestRwsemTests
{
    private static readonly SimSpan Us = SimSpan.FromMicroseconds(1);

    [Fact]
    public void Readers_ShareTheLock_WithoutWaiting()
    {
        var s = new Script(2);
        s.Task(0, (k, l) => [l.Read(), Compute(50), Mark(s, "r0-in"), l.UpReadOp()]);
        s.Task(1, (k, l) => [Compute(10), l.Read(), Mark(s, "r1-in"), Compute(5), l.UpReadOp()]);
        s.Run(200);
        Assert.True(s.At("r1-in") < s.At("r0-in"), "the second reader got in while the first held the lock");
        Assert.Equal(0, s.Lock.Slept);
        Assert.Equal(0, s.Lock.Spun);
        Assert.Equal(2, s.Lock.ReadAcquisitions);
    }

    [Fact]
    public void AReader_SpinsOnARunningWriter_AndGetsInAfterUpWrite()
    {
        var s = new Script(2);
        s.Task(0, (k, l) => [l.Write(), Compute(50), Mark(s, "w-out"), l.UpWriteOp()]);
        s.Task(1, (k, l) => [Compute(5), l.Read(), Mark(s, "r-in"), l.UpReadOp()]);
        s.Run(200);
        Assert.Equal(1, s.Lock.Spun);
        Assert.Equal(0, s.Lock.Slept);
        Assert.True(s.At("r-in") >= s.At("w-out"));
    }

    [Fact]
    public void AWaiter_Sleeps_WhenTheWriterOwnerIsOffItsCpu()
    {
        // The owner sleeps holding the lock (owner->on_cpu is 0): no optimistic spin.
        var s = new Script(2);
        s.Task(0, (k, l) => [l.Write(), GuestOp.SleepUntil(SimTime.Zero + SimSpan.FromMicroseconds(100)), Mark(s, "w-out"), l.UpWriteOp()]);
        s.Task(1, (k, l) => [Compute(20), l.Write(), Mark(s, "w2-in"), l.UpWriteOp()]);
        s.Run(400);
        Assert.Equal(0, s.Lock.Spun);
        Assert.Equal(1, s.Lock.Slept);
        Assert.True(s.At("w2-in") >= s.At("w-out"));
    }

    [Fact]
    public void AWriter_SpinsOnReaders_AtMostTheRspinThreshold_ThenSleeps_AndLaterReadersQueueBehindIt()
    {
        var s = new Script(3);
        s.Task(0, (k, l) => [l.Read(), Compute(200), Mark(s, "r0-out"), l.UpReadOp()]);
        s.Task(1, (k, l) => [Compute(10), l.Write(), Mark(s, "w-in"), Compute(10), l.UpWriteOp()]);
        s.Task(2, (k, l) => [Compute(80), l.Read(), Mark(s, "r2-in"), l.UpReadOp()]);
        s.Run(800);
        GuestCpu writer = s.Kernel.Cpus[1];
        Assert.Equal(1, s.Lock.Spun);
        Assert.InRange(writer.SpinGuestNs, 10_000, 12_000); // (20 + 1 reader) / 2 us = 10.5 us, checked in 2 us steps
        Assert.Equal(2, s.Lock.Slept); // the writer after its spin, then the reader behind it
        Assert.True(s.At("w-in") >= s.At("r0-out"));
        Assert.True(s.At("r2-in") > s.At("w-in"), "the reader that came while the writer waited went after it");
    }

    [Fact]
    public void UpWrite_WakesEveryQueuedReader_AtOnce()
    {
        var s = new Script(4);
        s.Task(0, (k, l) => [l.Write(), GuestOp.SleepUntil(SimTime.Zero + SimSpan.FromMicroseconds(100)), l.UpWriteOp()]);
        for (int c = 1; c < 4; c++)
        {
            int id = c;
            s.Task(c, (k, l) => [Compute(10), l.Read(), Mark(s, $"r{id}-in"), Compute(100), Mark(s, $"r{id}-busy"), l.UpReadOp()]);
        }

        s.Run(600);
        Assert.Equal(3, s.Lock.Slept);
        // All three hold it together: each got in before any of the others finished.
        SimTime lastIn = Enumerable.Range(1, 3).Max(i => s.At($"r{i}-in"));
        SimTime firstDone = Enumerable.Range(1, 3).Min(i => s.At($"r{i}-busy"));
        Assert.True(lastIn < firstDone);
    }

    [Fact]
    public void Downgrade_LetsQueuedReadersIn_WhileTheDowngraderStillReads()
    {
        var s = new Script(2);
        s.Task(0, (k, l) => [l.Write(), GuestOp.SleepUntil(SimTime.Zero + SimSpan.FromMicroseconds(50)), Run(l.Downgrade), Mark(s, "downgraded"), Compute(100), Mark(s, "d-out"), l.UpReadOp()]);
        s.Task(1, (k, l) => [Compute(10), l.Read(), Mark(s, "r-in"), l.UpReadOp()]);
        s.Run(400);
        Assert.True(s.At("r-in") >= s.At("downgraded"));
        Assert.True(s.At("r-in") < s.At("d-out"));
        Assert.Equal(0, s.Lock.Readers);
        Assert.Null(s.Lock.Writer);
    }

    [Fact]
    public void AtomicsOnTheCountsLine_FromManyCpus_TakeTurns_OneTransferEach()
    {
        // Four CPUs each take and release the read lock 100 times at once: 800 atomics on one
        // line can finish no sooner than 800 transfers after the first, however they interleave.
        var s = new Script(4);
        for (int c = 0; c < 4; c++)
        {
            int id = c;
            s.Task(c, (k, l) => [.. Enumerable.Range(0, 100).SelectMany(_ => new[] { l.Read(), l.UpReadOp() }), Mark(s, $"done{id}")]);
        }

        s.Run(1000);
        SimSpan transfer = s.Kernel.Host.Costs.CacheLineTransfer;
        Assert.Equal(800, s.Lock.LineAtomicCount);
        SimTime last = s.Marks.Values.Max();
        Assert.True(last - SimTime.Zero >= transfer * 800, $"800 atomics done after {last}, one transfer is {transfer}");
        Assert.True(s.Lock.LineWait > transfer * 800, "each CPU waited for the others' turns");
    }

    private static GuestOp Compute(int us) => GuestOp.Compute(Us * us);

    private static GuestOp Run(Action<GuestCpu, Action> body) => GuestOp.Run(body);

    private static GuestOp Mark(Script s, string name) => GuestOp.Run((cpu, then) =>
    {
        s.Marks[name] = cpu.Kernel.Now;
        then();
    });

    /// <summary>Tasks, one per vCPU, running fixed programs against one rwsem.</summary>
    private sealed class Script(int vcpus) : IWorkload
    {
        private readonly List<(int Cpu, Func<GuestKernel, Ops, GuestOp[]> Program)> _tasks = [];

        public GuestRwsem Lock { get; } = new("test");

        public Dictionary<string, SimTime> Marks { get; } = [];

        public GuestKernel Kernel { get; private set; } = null!;

        public string Id => "rwsem-script";

        public string PrimaryMetric => "none";

        public bool Finished => false;

        public void Task(int cpu, Func<GuestKernel, Ops, GuestOp[]> program) => _tasks.Add((cpu, program));

        public SimTime At(string mark) => Marks.TryGetValue(mark, out SimTime t) ? t : throw new Xunit.Sdk.XunitException($"mark {mark} never reached");

        public void Run(int us) => new GuestHarness(this, vcpus).Run(SimSpan.FromMicroseconds(us));

        public void Install(HostContext host, Vm vm)
        {
            Kernel = vm.Guest;
            var ops = new Ops(Lock);
            foreach ((int cpu, Func<GuestKernel, Ops, GuestOp[]> program) in _tasks)
            {
                vm.Guest.AddTask(new GuestTask($"t{cpu}", cpu, program(vm.Guest, ops)));
            }
        }

        public IReadOnlyList<WorkloadMetric> Report(HostContext host) => [];
    }

    private sealed class Ops(GuestRwsem l)
    {
        public GuestOp Read() => GuestOp.Run(l.DownRead);

        public GuestOp Write() => GuestOp.Run(l.DownWrite);

        public GuestOp UpReadOp() => GuestOp.Run(l.UpRead);

        public GuestOp UpWriteOp() => GuestOp.Run(l.UpWrite);

        public void Downgrade(GuestCpu cpu, Action then) => l.Downgrade(cpu, then);
    }
}
