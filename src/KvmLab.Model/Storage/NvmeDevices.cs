using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>
/// Drive presets. Datasheets and reviews publish end-to-end QD1 latency measured by a host running
/// fio, which includes that host's software path; the drive's own time (doorbell to CQE) is that
/// figure minus the model's bare-metal interrupt path on an awake CPU (submit syscall, block layer,
/// MSI-X, IRQ, local wake-up, reap, fio), so the model does not count the host software twice.
/// </summary>
public static class NvmeDevices
{
    public const string OptaneP4800X = "optane-p4800x";
    public const string Samsung970EvoPlusWrite = "samsung-970-evo-plus-write";

    public static IReadOnlyList<string> Ids { get; } = [OptaneP4800X, Samsung970EvoPlusWrite];

    /// <summary>
    /// The host software inside a published end-to-end QD1 latency: fio with libaio, interrupt
    /// completion, the CPU not idle (no C-state exit assumed — the reviews do not say).
    /// </summary>
    /// <remarks>io_submit and io_getevents are one syscall each; the MSI-X message takes the platform's IPI latency.</remarks>
    public static SimSpan HostPathInPublishedLatency(Hardware.CostProfile cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        Hardware.StorageCosts c = cpu.Storage;
        return c.SyscallEntryExit + c.HostAioSubmit + cpu.PhysicalIpiLatency + c.HostNvmeIrq + cpu.ThreadWakeup
            + c.SyscallEntryExit + c.AioReap + c.FioPerIo;
    }

    public static NvmeDeviceSpec? Find(string id, Hardware.CostProfile cpu)
    {
        SimSpan host = HostPathInPublishedLatency(cpu);
        switch (id)
        {
            case OptaneP4800X:
            {
                // AnandTech, "The Intel Optane SSD DC P4800X (375GB) Review" (2017), 4 KiB random read QD1:
                // mean 8.9 us, median 9, p99 10 (Intel's "typical" spec: < 10 us). QD16: 584.8k IOPS, which
                // with Little's law sets the parallelism: channels = IOPS x service time.
                SimSpan service = SimSpan.FromMicroseconds(8.9) - host;
                return new NvmeDeviceSpec
                {
                    Id = id,
                    Summary = "Intel Optane SSD DC P4800X class, 4 KiB random read (about 10 us end to end)",
                    Citation = "AnandTech P4800X review 2017: QD1 4K randread mean 8.9 us, QD16 584.8k IOPS; Intel spec < 10 us",
                    ServiceMean = service,
                    Channels = Math.Max(1, (int)Math.Round(584_800 * service.Seconds)),
                    BytesPerSecond = 2.4e9, // Intel P4800X product brief: sequential read up to 2400 MB/s
                };
            }

            case Samsung970EvoPlusWrite:
            {
                // Samsung 970 EVO Plus datasheet, quoted in the seed (Hajnoczi 2020, slide 3): about 17 us write
                // latency; random write 550k IOPS (QD32, 4 threads) for the parallelism.
                SimSpan service = SimSpan.FromMicroseconds(17) - host;
                return new NvmeDeviceSpec
                {
                    Id = id,
                    Summary = "Samsung 970 EVO Plus class consumer drive, 4 KiB write (about 17 us end to end)",
                    Citation = "Samsung 970 EVO Plus datasheet via Hajnoczi 2020 slide 3 (17 us write); 550k IOPS random write QD32",
                    ServiceMean = service,
                    Channels = Math.Max(1, (int)Math.Round(550_000 * service.Seconds)),
                    BytesPerSecond = 3.3e9, // Samsung 970 EVO Plus 1 TB datasheet: sequential write up to 3300 MB/s
                };
            }

            default:
                return null;
        }
    }
}
