using KvmLab.Engine.Stats;

namespace KvmLab.Model.Storage;

/// <summary>
/// What fio reports, collected as its requests complete (lat and clat histograms, IOPS) with the
/// per-request breakdown by <see cref="IoPhase"/>, and the path's event counts in the measured
/// window (kicks, suppressed kicks, irqfd writes).
/// </summary>
public sealed class FioStats
{
    private readonly HostContext _host;
    private readonly double[] _phaseSumNs = new double[Enum.GetValues<IoPhase>().Length];
    private long _nextId;

    public FioStats(HostContext host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        Latency = host.Metrics.Histogram("fio_lat");
        CompletionLatency = host.Metrics.Histogram("fio_clat");
    }

    public LatencyHistogram Latency { get; }

    /// <summary>fio's clat: the latency without the submission (from the notify decision on).</summary>
    public LatencyHistogram CompletionLatency { get; }

    /// <summary>Requests completed in the measured window (issued after the warm-up).</summary>
    public long Completed { get; private set; }

    public long Kicks { get; private set; }

    public long SuppressedKicks { get; private set; }

    public long Irqfds { get; private set; }

    /// <summary>Mean time per phase over measured requests (ns), in <see cref="IoPhase"/> order.</summary>
    public IReadOnlyList<double> PhaseMeanNs => [.. _phaseSumNs.Select(s => Completed == 0 ? double.NaN : s / Completed)];

    /// <summary>A new request of <paramref name="job"/> on <paramref name="queue"/>, issued now.</summary>
    public IoRequest NewRequest(int job, int queue) => new(_nextId++, _host.Sim.Now, job, queue);

    public void CountKick(bool suppressed)
    {
        if (!_host.Measuring)
        {
            return;
        }

        if (suppressed)
        {
            SuppressedKicks++;
        }
        else
        {
            Kicks++;
        }
    }

    public void CountIrqfd()
    {
        if (_host.Measuring)
        {
            Irqfds++;
        }
    }

    /// <summary>fio saw <paramref name="req"/> complete now: the last phase ends, and a measured request is recorded.</summary>
    public void Done(IoRequest req)
    {
        ArgumentNullException.ThrowIfNull(req);
        req.Mark(IoPhase.Wakeup, _host.Sim.Now);
        if (req.Issued < _host.MeasureFrom)
        {
            return;
        }

        long lat = (_host.Sim.Now - req.Issued).Ns;
        Latency.Record(lat);
        CompletionLatency.Record(lat - req.PhaseNs[(int)IoPhase.GuestSubmit]);
        for (int p = 0; p < _phaseSumNs.Length; p++)
        {
            _phaseSumNs[p] += req.PhaseNs[p];
        }

        Completed++;
    }
}
