using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>
/// A drive: its own time from doorbell to completion-queue entry for one 4 KiB command, and how
/// many commands it serves at once (internal parallelism, which sets its throughput at depth).
/// The service time is <see cref="ServiceMean"/> with a small exponential tail:
/// a fixed part of (1 - TailShare) x mean plus an exponential of mean TailShare x mean.
/// </summary>
public sealed record NvmeDeviceSpec
{
    public required string Id { get; init; }

    public required string Summary { get; init; }

    /// <summary>Where the numbers come from.</summary>
    public required string Citation { get; init; }

    public required SimSpan ServiceMean { get; init; }

    /// <summary>Share of the mean that is an exponential tail (the rest is fixed).</summary>
    public double TailShare { get; init; } = 0.05;

    /// <summary>Commands the drive serves in parallel.</summary>
    public required int Channels { get; init; }

    /// <summary>Data transfer rate for the part of a request beyond 4 KiB (sequential bandwidth).</summary>
    public required double BytesPerSecond { get; init; }

    /// <summary>I/O queue pairs the controller offers (informational: AnandTech, P4800X 750GB review, 31 I/O queues).</summary>
    public int QueuePairs { get; init; } = 31;
}
