using KvmLab.Engine.Time;

namespace KvmLab.Model.Guest;

/// <summary>The costs of a <see cref="GuestMm"/>'s paths; a part of the cost profile (<see cref="Hardware.CostProfile.Mm"/>); values and sources in docs/MODEL.md.</summary>
public sealed record GuestMmCosts
{
    /// <summary>One anonymous write fault.</summary>
    public required SimSpan PageFault { get; init; }

    /// <summary>__pagevec_lru_add under the LRU lock, per page.</summary>
    public required SimSpan LruAddPerPage { get; init; }

    /// <summary>Zapping one PTE.</summary>
    public required SimSpan ZapPerPage { get; init; }

    /// <summary>release_pages under the LRU lock, per page.</summary>
    public required SimSpan ReleasePerPage { get; init; }

    /// <summary>The VMA work of one mmap, munmap or brk under the write lock.</summary>
    public required SimSpan VmaWork { get; init; }

    /// <summary>flush_tlb_func on each target.</summary>
    public required SimSpan FlushCost { get; init; }
}
