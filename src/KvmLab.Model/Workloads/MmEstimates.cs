using KvmLab.Engine.Time;
using KvmLab.Model.Guest;

namespace KvmLab.Model.Workloads;

/// <summary>The address-space costs ebizzy and pbzip2 run with: every one an ESTIMATE (docs/MODEL.md, "Guest memory management").</summary>
public static class MmEstimates
{
    public static GuestMmCosts Default { get; } = new()
    {
        // 8 faults per read hold: an 8 us hold at 1 us a fault, delaying a waiting writer by at most 7 faults.
        FaultsPerHold = 8,

        // ESTIMATE: exception entry, page allocation, clearing 4 KiB, PTE set (128 per 512 KiB chunk: 128 us, ebizzy's earlier figure).
        PageFault = SimSpan.FromMicroseconds(1),

        // ESTIMATE: a list insertion and the page flags, on lines the fault just touched.
        LruAddPerPage = SimSpan.FromNanoseconds(15),

        // ESTIMATE: zap_pte_range per PTE (clear, rmap, counters): 5 us for 128 pages.
        ZapPerPage = SimSpan.FromNanoseconds(40),

        // ESTIMATE: release_pages per page under the LRU lock: 2 us for 128 pages.
        ReleasePerPage = SimSpan.FromNanoseconds(15),

        // ESTIMATE: vma allocation or split, rb-tree and interval-tree updates.
        VmaWork = SimSpan.FromMicroseconds(2),

        // ESTIMATE: flush_tlb_func's full flush (above tlb_single_page_flush_ceiling, 33 pages) and the csd handling.
        FlushCost = SimSpan.FromMicroseconds(1),
    };
}
