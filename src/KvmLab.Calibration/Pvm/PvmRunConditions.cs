using System.Globalization;
using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;
using KvmLab.Model.Kvm.Pvm;

namespace KvmLab.Calibration.Pvm;

/// <summary>
/// The conditions of one probe run that decide a probe's path without being costs: KVM's halt-poll
/// parameters (module parameters kvm.halt_poll_ns, _grow, _grow_start, _shrink, as the probe file's
/// environment lists them) and whether attempted polls ran to the wake-up on the host at the time
/// (<see cref="PvmHaltPolling"/>). A run's catalog carries them in every entry's config
/// (<see cref="ProbeCatalogWriter"/>); a catalog without <see cref="PollShareKey"/> (written before
/// it existed) is taken as the afternoon host's: polls abort.
/// </summary>
public sealed record PvmRunConditions(HaltPollWindow ModuleWindow, bool PollsRun)
{
    /// <summary>Config key: KVM's halt_successful_poll / halt_attempted_poll summed over the run's probes.</summary>
    public const string PollShareKey = "host.halt_poll_success_share";

    /// <summary>A poll runs to the wake-up when more than this share of the attempted polls succeeded.</summary>
    public const double PollsRunAbove = 0.5;

    /// <summary>The afternoon host's conditions (<see cref="PvmHaltPolling.Aborting"/>): upstream window, polls abort.</summary>
    public static PvmRunConditions Default { get; } = new(PvmHaltPolling.Aborting.Window, PvmHaltPolling.Aborting.PollsRun);

    /// <summary>The run's conditions from a catalog entry's config; a parameter the run did not record keeps KVM's default.</summary>
    public static PvmRunConditions FromConfig(IReadOnlyDictionary<string, string?> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long Long(string key, long fallback) =>
            config.TryGetValue(key, out string? v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long x) && x >= 0 ? x : fallback;
        HaltPollWindow upstream = HaltPollWindow.Upstream();
        var window = new HaltPollWindow(
            new SimSpan(Long("kvm.halt_poll_ns", upstream.Max.Ns)),
            (int)Long("kvm.halt_poll_ns_grow", upstream.Grow),
            new SimSpan(Long("kvm.halt_poll_ns_grow_start", upstream.GrowStart.Ns)),
            (int)Long("kvm.halt_poll_ns_shrink", upstream.Shrink));
        bool runs = config.TryGetValue(PollShareKey, out string? share)
            && double.TryParse(share, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > PollsRunAbove;
        return new PvmRunConditions(window, runs);
    }

    /// <summary>
    /// Halt polling for <paramref name="probe"/>: the timer/halt-poll-&lt;N&gt;us probes set the VM's
    /// maximum with KVM_CAP_HALT_POLL (src/KvmLab.RealKvm probes), every other probe runs with the
    /// module parameter.
    /// </summary>
    public PvmHaltPolling PollingFor(string probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        HaltPollWindow w = ModuleWindow;
        const string prefix = "timer/halt-poll-";
        if (probe.StartsWith(prefix, StringComparison.Ordinal) && probe.EndsWith("us", StringComparison.Ordinal)
            && long.TryParse(probe[prefix.Length..^2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long us))
        {
            w = w with { Max = SimSpan.FromMicroseconds(us) };
        }

        return new PvmHaltPolling(w, PollsRun);
    }
}
