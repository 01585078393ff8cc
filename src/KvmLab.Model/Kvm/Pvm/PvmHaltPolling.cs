namespace KvmLab.Model.Kvm.Pvm;

/// <summary>
/// Host halt polling as a PVM probe run met it: the window KVM adapts (<see cref="HaltPollWindow"/>)
/// and whether a poll runs to the wake-up on this host. kvm_vcpu_block polls only while
/// kvm_vcpu_can_poll holds, and single_task_running() is part of it (virt/kvm/kvm_main.c): on a
/// shared host where another task waits on the pCPU, every poll aborts at once and the vCPU
/// sleeps. That is a condition of the host at the time of the run, not a cost, so it is read
/// from the run (KVM's halt_successful_poll over halt_attempted_poll, summed over all probes:
/// <see cref="PollsRun"/> when most attempted polls succeeded) and written into each entry of
/// the run's catalog. On 2 December 2026 (AMD host) 43 of 3,300 attempted polls succeeded; on
/// 3 December (Intel host) 5,200 of 5,400 (data/measurements/pvm-here/night/README.md).
/// </summary>
/// <param name="Window">The window rule with the run's parameters (halt_poll_ns or the probe's KVM_CAP_HALT_POLL).</param>
/// <param name="PollsRun">An attempted poll runs until the wake-up (single_task_running() held during the run).</param>
public sealed record PvmHaltPolling(HaltPollWindow Window, bool PollsRun)
{
    /// <summary>The afternoon host's rule: polls are attempted but abort at once (docs/PVM.md 1.3).</summary>
    public static PvmHaltPolling Aborting { get; } = new(HaltPollWindow.Upstream(), false);

    /// <summary>Whether a repeated block of <paramref name="blocked"/> ends in a successful poll rather than a sleep.</summary>
    public bool Polls(Engine.Time.SimSpan blocked) => PollsRun && Window.CoversRepeated(blocked);

    /// <summary>Whether a poll with the current <paramref name="window"/> catches a wake-up <paramref name="waited"/> after the halt.</summary>
    public bool Catches(Engine.Time.SimSpan window, Engine.Time.SimSpan waited) => PollsRun && HaltPollWindow.Covers(window, waited);
}
