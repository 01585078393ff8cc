namespace KvmLab.Model.Workloads;

/// <summary>How ebizzy's per-record buffer is allocated and freed (ebizzy's -M and -m options over glibc malloc).</summary>
public enum EbizzyAlloc
{
    /// <summary>
    /// -M (mallopt(M_MMAP_MAX, 0)): the 512 KiB buffer comes from the thread's arena heap, and
    /// freeing it trims the heap top (glibc heap_trim -> shrink_heap -> madvise(MADV_DONTNEED),
    /// mmap_lock for reading): the next copy faults every page back in. The benchmark of
    /// Li's boost commits and of the PV TLB flush series.
    /// </summary>
    HeapTrim,

    /// <summary>
    /// -m: mmap and munmap the buffer each record (mmap_lock for writing twice a record, the
    /// munmap's zap under the downgraded lock): writers contend with the other threads' faults, so
    /// threads sleep on the rwsem.
    /// </summary>
    Mmap,

    /// <summary>
    /// Neither option: the first free of the mmap'ed 512 KiB chunk raises glibc's dynamic mmap
    /// threshold above it (malloc.c, free: mp_.mmap_threshold = chunksize), later buffers come from
    /// the heap and the 1 MiB trim threshold keeps them mapped: no syscall, fault or shootdown.
    /// </summary>
    Heap,
}
