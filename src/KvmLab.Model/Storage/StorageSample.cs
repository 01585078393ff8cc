namespace KvmLab.Model.Storage;

/// <summary>
/// What the storage path has used, in ns and counts: fio's CPUs (its vCPU threads' or host
/// threads' runtime), QEMU's thread, host kernel time outside any thread (interrupts on idle CPUs
/// with their idle exits, context switches), spinning (KVM halt polling, guest polling, QEMU
/// polling, blk_poll), HLT exits of fio's vCPUs and guest haltpoll polls that caught their wake-up.
/// </summary>
public readonly record struct StorageSample(long AtNs, long FioCpuNs, long QemuCpuNs, long KernelNs, long SpinNs, long Halts, long HaltPollHits)
{
    public static StorageSample operator -(StorageSample a, StorageSample b) => new(
        a.AtNs - b.AtNs, a.FioCpuNs - b.FioCpuNs, a.QemuCpuNs - b.QemuCpuNs, a.KernelNs - b.KernelNs,
        a.SpinNs - b.SpinNs, a.Halts - b.Halts, a.HaltPollHits - b.HaltPollHits);
}
