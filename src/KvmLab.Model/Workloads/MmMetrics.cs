using KvmLab.Model.Guest;

namespace KvmLab.Model.Workloads;

/// <summary>What a process's address space did, over the whole run: the rwsem's sleeps and spins and the TLB shootdowns (docs/METRICS.md).</summary>
public static class MmMetrics
{
    public static IEnumerable<WorkloadMetric> Of(GuestMm? mm, HostContext host)
    {
        if (mm is null)
        {
            yield break;
        }

        double seconds = Math.Max(host.Sim.Now.Seconds, 1e-12);
        yield return new("mmap_lock_sleeps_per_s", mm.MmapLock.Slept / seconds, "1/s");
        yield return new("mmap_lock_spins_per_s", mm.MmapLock.Spun / seconds, "1/s");
        yield return new("mmap_lock_line_wait_cores", mm.MmapLock.LineWait.Seconds / seconds, "cores");
        yield return new("lru_lock_contended_share", mm.LruLock.Acquisitions == 0 ? 0 : 100.0 * mm.LruLock.Contended / mm.LruLock.Acquisitions, "%");
        yield return new("tlb_shootdowns_per_s", mm.Shootdowns / seconds, "1/s");
        yield return new("shootdown_user_share", mm.ShootdownTargets == 0 ? 0 : 100.0 * mm.UserModeTargets / mm.ShootdownTargets, "%");
    }
}
