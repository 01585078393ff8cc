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

    public static PvmRunConditions Default { get; } = new(HaltPollWindow.Upstream(), false);

    public static PvmRunConditions FromConfig(IReadOnlyDictionary<string, string?> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long Long(string key, long fallback) =>
            config.TryGetValue(key, out string? v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long x) && x >= 0 ? x : fallback;
        var window = new HaltPollWindow(
            new SimSpan(Long("kvm.halt_poll_ns", 200_000)),
            (int)Long("kvm.halt_poll_ns_grow", 2),
            new SimSpan(Long("kvm.halt_poll_ns_grow_start", 10_000)),
            (int)Long("kvm.halt_poll_ns_shrink", 0));
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
