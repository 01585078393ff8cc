namespace KvmLab.Model.Guest;

/// <summary>Interrupt vectors (arch/x86/include/asm/irq_vectors.h; kvm-unit-tests lib/x86/smp.h).</summary>
public static class Vectors
{
    public const byte CallFunctionSingle = 0xFB;
    public const byte CallFunction = 0xFC;
    public const byte Reschedule = 0xFD;

    /// <summary>LOCAL_TIMER_VECTOR: the LAPIC timer (the clockevent device).</summary>
    public const byte LocalTimer = 0xEC;

    /// <summary>A device's MSI-X vector (virtio-net receive queues); Linux allocates these from 0x21 up.</summary>
    public const byte NetRx = 0x41;

    /// <summary>A virtio-blk virtqueue's MSI-X vector (vring_interrupt).</summary>
    public const byte VirtioBlk = 0x42;

    /// <summary>An NVMe queue's MSI-X vector in a guest that has the drive passed through (nvme_irq).</summary>
    public const byte Nvme = 0x43;

    /// <summary>kvm-unit-tests IPI_VECTOR, used by on_cpu().</summary>
    public const byte KutIpi = 0x20;
}
