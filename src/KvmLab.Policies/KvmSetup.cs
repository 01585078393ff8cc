using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies;

/// <summary>
/// KVM's configuration and policies while the enabled features are applied, in registry order
/// (upstream first, then each source's changes on top, so a decorator such as Ishiguro's filter
/// wraps what the kernel version chose). Starts from everything off: upstream's mechanisms are
/// features too, and a scenario lists what it has.
/// </summary>
public sealed class KvmSetup
{
    public KvmConfig Config { get; set; } = new()
    {
        ApicV = false,
        HltExits = false,
        PreemptionTimer = false,
        AdaptiveTimerAdvance = false,
        PauseLoopExiting = false,
    };

    public IIcrFastpathPolicy IcrFastpath { get; set; } = new NoIcrFastpath();

    public ITimerFastpathPolicy TimerFastpath { get; set; } = new NoTimerFastpath();

    /// <summary>Host halt polling up to the module's halt_poll_ns; off is halt_poll_ns = 0.</summary>
    public bool HaltPolling { get; set; }

    public ISpinCandidateFilter SpinFilter { get; set; } = new UpstreamSpinFilter();

    public IIpiDeliveryPolicy IpiDelivery { get; set; } = new IcrIpiDelivery(pvSendIpi: false);

    public ITimerDeliveryPolicy TimerDelivery { get; set; } = new EmulatedTimer();

    /// <summary>The DirectedYield options, changed one field at a time.</summary>
    public void DirectedYield(Func<DirectedYieldOptions, DirectedYieldOptions> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Config = Config with { DirectedYield = change(Config.DirectedYield) };
    }

    /// <param name="haltPollMax">The module's halt_poll_ns (the VM's max_halt_poll_ns).</param>
    public KvmPolicies Policies(SimSpan haltPollMax) =>
        new(IcrFastpath, new AdaptiveHaltPoll(HaltPolling ? haltPollMax : SimSpan.Zero), TimerFastpath, SpinFilter, IpiDelivery, TimerDelivery);
}
