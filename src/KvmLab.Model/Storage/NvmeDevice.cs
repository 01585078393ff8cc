using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;

namespace KvmLab.Model.Storage;

/// <summary>
/// The drive: submission/completion queue pairs in front of a pool of identical internal channels.
/// A command whose doorbell rings at t starts on the earliest free channel (FIFO across queues),
/// takes its service time plus the transfer beyond 4 KiB, and posts its CQE on its queue pair;
/// the pair either raises its MSI-X vector (to the CPU in its affinity) or is polled (the queue
/// classes that own the pairs do that). In a trace each channel is a track of the "devices"
/// process, showing every command from its start to its CQE.
/// </summary>
public sealed class NvmeDevice
{
    private readonly SimTime[] _channelFree;
    private readonly RngStream _rng;
    private readonly ITraceSink _trace;
    private readonly TraceTrack[] _tracks;

    public NvmeDevice(NvmeDeviceSpec spec, RngStream rng)
        : this(spec, rng, NullTraceSink.Instance, "nvme0")
    {
    }

    /// <param name="name">The drive's name on its trace tracks.</param>
    public NvmeDevice(NvmeDeviceSpec spec, RngStream rng, ITraceSink trace, string name)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ServiceMean.Ns <= 0)
        {
            throw new ArgumentException($"Drive '{spec.Id}' has a non-positive service time ({spec.ServiceMean}).", nameof(spec));
        }

        Spec = spec;
        _rng = rng;
        _trace = trace;
        _channelFree = new SimTime[Math.Max(1, spec.Channels)];
        _tracks = [.. Enumerable.Range(0, _channelFree.Length).Select(c => new TraceTrack(StorageTrace.Devices.Id, c))];
        if (trace.Enabled)
        {
            foreach (TraceTrack t in _tracks)
            {
                trace.DefineTrack(t, StorageTrace.Devices.Name, $"{name} channel {t.ThreadId}");
            }
        }
    }

    public NvmeDeviceSpec Spec { get; }

    public long Commands { get; private set; }

    /// <summary>One service time: fixed part plus an exponential tail (see <see cref="NvmeDeviceSpec"/>).</summary>
    public SimSpan SampleService(int bytes)
    {
        double mean = Spec.ServiceMean.Ns;
        double fixedPart = (1 - Spec.TailShare) * mean;
        double tail = Spec.TailShare > 0 ? _rng.NextExponential(Spec.TailShare * mean) : 0;
        double transfer = Math.Max(0, bytes - 4096) / Spec.BytesPerSecond * 1e9;
        return SimSpan.FromNanoseconds(fixedPart + tail + transfer);
    }

    /// <summary>The doorbell for one command rings at <paramref name="doorbell"/>; returns when its CQE is posted.</summary>
    public SimTime Submit(SimTime doorbell, int bytes) => Submit(doorbell, bytes, Commands);

    /// <summary>As <see cref="Submit(SimTime, int)"/>, naming the command <paramref name="id"/> in the trace.</summary>
    public SimTime Submit(SimTime doorbell, int bytes, long id)
    {
        int best = 0;
        for (int i = 1; i < _channelFree.Length; i++)
        {
            if (_channelFree[i] < _channelFree[best])
            {
                best = i;
            }
        }

        SimTime start = SimTime.Max(doorbell, _channelFree[best]);
        SimTime done = start + SampleService(bytes);
        _channelFree[best] = done;
        Commands++;
        if (_trace.Enabled)
        {
            _trace.Slice(_tracks[best], $"cmd {id}", "device", start, done - start);
        }

        return done;
    }
}
