using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Guest;

/// <summary>
/// The address space of ebizzy and pbzip2 (GuestMm): which mmap_lock mode each path takes
/// (faults and madvise(MADV_DONTNEED) read, mmap and munmap write: mm/memory.c, mm/madvise.c
/// madvise_need_mmap_write, mm/mmap.c __do_munmap with downgrade) and where the TLB shootdown
/// goes (flush_tlb_mm_range to the non-lazy CPUs of mm_cpumask: the other CPUs running one of the
/// process's threads, in user mode too).
/// </summary>
public class GuestMmTests
{
    private static readonly SimSpan Run = SimSpan.FromMilliseconds(5);

    [Fact]
    public void EbizzyM_TrimsUnderTheReadLock_NeverSleepsOnIt_AndShootsDownTheOtherThreadsCpus()
    {
        var e = new EbizzyWorkload { Alloc = EbizzyAlloc.HeapTrim };
        new GuestHarness(e, vcpus: 4).Run(Run);
        GuestMm mm = e.Mm!;
        Assert.Equal(0, mm.MmapLock.WriteAcquisitions);
        Assert.Equal(0, mm.MmapLock.Slept);
        Assert.True(mm.MmapLock.ReadAcquisitions > 100);
        Assert.True(mm.Shootdowns > 10);
        // 4 vCPUs, 8 threads: at most the 3 other CPUs are targets.
        Assert.InRange((double)mm.ShootdownTargets / mm.Shootdowns, 1, 3);
        Assert.True(mm.UserModeTargets > 0, "threads copying in user mode are shot down too");
    }

    [Fact]
    public void EbizzyMinusM_TakesTheWriteLock_AndItsFaultingNeighboursWaitForIt()
    {
        var e = new EbizzyWorkload { Alloc = EbizzyAlloc.Mmap };
        new GuestHarness(e, vcpus: 4).Run(Run);
        GuestRwsem l = e.Mm!.MmapLock;
        Assert.True(l.WriteAcquisitions > 20, $"{l.WriteAcquisitions} write acquisitions"); // mmap and munmap, twice a record
        Assert.True(l.Spun + l.Slept > 0, "readers faulting beside a writer wait for it");
    }

    [Fact]
    public void EbizzyWithoutOptions_KeepsItsBuffer_NoLockNoShootdown()
    {
        var e = new EbizzyWorkload { Alloc = EbizzyAlloc.Heap };
        GuestHarness h = new GuestHarness(e, vcpus: 4).Run(Run);
        Assert.Equal(0, e.Mm!.MmapLock.ReadAcquisitions + e.Mm.MmapLock.WriteAcquisitions);
        Assert.Equal(0, e.Mm.Shootdowns);
        Assert.True(h.Metric("records_per_s") > 0);
    }

    [Fact]
    public void AShootdown_SkipsIdleCpus_AndCpusRunningAnotherProcess()
    {
        // 3 vCPUs: CPU 0 runs the mm's thread that unmaps, CPU 1 another thread of it, CPU 2 a
        // task of another process. Only CPU 1 is a target.
        var w = new TwoProcesses();
        new GuestHarness(w, vcpus: 3).Run(SimSpan.FromMicroseconds(400));
        Assert.Equal(1, w.Mm.Shootdowns);
        Assert.Equal(1, w.Mm.ShootdownTargets);
        Assert.Equal(1, w.Mm.UserModeTargets);
    }

    [Fact]
    public void Pbzip2_ShootsDownConsumers_CompressingInUserMode()
    {
        var p = new Pbzip2Workload { CompressBlock = SimSpan.FromMicroseconds(400) };
        GuestHarness h = new GuestHarness(p, vcpus: 4).Run(SimSpan.FromMilliseconds(20));
        GuestMm mm = p.Mm!;
        Assert.True(mm.MmapLock.WriteAcquisitions > 0, "brk grows and shrinks the main heap under the write lock");
        Assert.True(mm.Shootdowns > 0);
        Assert.True(mm.UserModeTargets > 0);
        Assert.True(h.Metric("blocks_per_s") > 0);
    }

    private sealed class TwoProcesses : IWorkload
    {
        public GuestMm Mm { get; } = new("p", SpinlockKind.PvQspinlock) { Costs = KvmLab.Model.Hardware.Profiles.SkylakeSp2020().Mm };

        public string Id => "two-processes";

        public string PrimaryMetric => "none";

        public bool Finished => false;

        public void Install(HostContext host, KvmLab.Model.Kvm.Vm vm)
        {
            var unmapper = new GuestTask("p/0", 0, Unmapper());
            var sibling = new GuestTask("p/1", 1, [GuestOp.UserCompute(SimSpan.FromMicroseconds(300))]);
            Mm.AddThread(unmapper);
            Mm.AddThread(sibling);
            vm.Guest.AddTask(unmapper);
            vm.Guest.AddTask(sibling);
            vm.Guest.AddTask(new GuestTask("other/0", 2, [GuestOp.UserCompute(SimSpan.FromMicroseconds(300))]));
        }

        private IEnumerable<GuestOp> Unmapper()
        {
            yield return GuestOp.Compute(SimSpan.FromMicroseconds(50));
            foreach (GuestOp op in Mm.Munmap(128))
            {
                yield return op;
            }
        }

        public IReadOnlyList<WorkloadMetric> Report(HostContext host) => [];
    }
}
