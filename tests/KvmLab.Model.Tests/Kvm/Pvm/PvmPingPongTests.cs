using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm.Pvm;

namespace KvmLab.Model.Tests.Kvm.Pvm;

/// <summary>
/// The ping-pong's branches follow from the two vCPUs' timing (docs/PVM.md 4.5 condition 1): a
/// native CPL3 sender's next IPI overtakes the receiver's emulated tail, so it never blocks; an
/// emulated CPL0 sender is slow enough for the receiver to block; a receiver spinning in ring 0
/// takes the IPI only at the end of its batch (about 1,024 emulated instructions).
/// </summary>
public class PvmPingPongTests
{
    private static readonly GuestCode Head = new(Alu: 1, Store: 4, Rmw: 1);
    private static readonly GuestCode TailX = new(Alu: 1, Store: 1, Load: 4, Iret: 1);
    private static readonly GuestCode Idle = new(Alu: 3);
    private static readonly GuestCode Pass = new(Alu: 2, Load: 1);

    private static PvmPingPongSpec Spec(bool ring0Sender, PvmReceiverRest rest) => new(
        ring0Sender, new GuestCode(Alu: 3, Store: 1), new GuestCode(Alu: 6, Load: 1, Store: 1), Pass, new GuestCode(Alu: 2), rest, Head, TailX, Idle);

    [Fact]
    public void NativeSender_HaltedReceiver_NeverBlocks()
    {
        PvmPingPongResult r = PvmPingPong.Run(Spec(false, PvmReceiverRest.HaltRing0), PvmHere.Profile());
        Assert.Equal(0, r.Blocked);
        Assert.Equal(r.Iterations, r.AtInjectionPoint);
    }

    [Fact]
    public void EmulatedSender_HaltedReceiver_BlocksEveryTime()
    {
        PvmPingPongResult r = PvmPingPong.Run(Spec(true, PvmReceiverRest.HaltRing0), PvmHere.Profile());
        Assert.Equal(r.Iterations, r.Blocked);
    }

    [Fact]
    public void EmulatedSender_NativeReceiver_IsKicked()
    {
        PvmPingPongResult r = PvmPingPong.Run(Spec(true, PvmReceiverRest.SpinNativeRing3), PvmHere.Profile());
        Assert.Equal(r.Iterations, r.Kicked);
    }

    [Fact]
    public void ReceiverSpinningInRing0_WaitsForTheBatchEnd()
    {
        CostProfile p = PvmHere.Profile();
        PvmPingPongResult r = PvmPingPong.Run(Spec(false, PvmReceiverRest.SpinRing0), p);
        double batch = p.Pvm.EmulationBatch * p.Pvm.EmulatedAlu.Ns;
        Assert.InRange(r.MedianRoundTrip.Ns, 0.8 * batch, 1.3 * batch); // measured here: 0.75-0.86 ms (docs/PVM.md 2.2)
    }

    [Fact]
    public void HaltPollingThatRuns_CatchesTheIpiInThePollLoop_WithoutAWakeup()
    {
        // kvm_vcpu_block polls while the window covers the wait and single_task_running() holds;
        // the window starts at 0 and grows (x2 from 10 us), so after the first blocks every IPI is polled.
        CostProfile p = PvmHere.Profile();
        PvmPingPongSpec aborting = Spec(true, PvmReceiverRest.HaltRing0);
        PvmPingPongSpec running = aborting with { Polling = new PvmHaltPolling(KvmLab.Model.Kvm.HaltPollWindow.Upstream(), PollsRun: true) };

        PvmPingPongResult slept = PvmPingPong.Run(aborting, p);
        PvmPingPongResult polled = PvmPingPong.Run(running, p);

        Assert.Equal(polled.Iterations, polled.Polled);
        Assert.Equal(0, polled.Blocked);
        Assert.Equal(0, slept.Polled);
        double saved = slept.MedianRoundTrip.Ns - polled.MedianRoundTrip.Ns; // the wake-up less the poll loop's read, within rounding
        Assert.InRange(saved, p.ThreadWakeup.Ns - p.CacheLineTransfer.Ns - 2, p.ThreadWakeup.Ns - p.CacheLineTransfer.Ns + 2);
    }

    [Fact]
    public void HaltPollWindowBelowTheWait_NeverPolls()
    {
        // KVM_CAP_HALT_POLL 10 us against a ~40 us wait: the window never grows (the block is longer than the maximum).
        PvmPingPongSpec s = Spec(true, PvmReceiverRest.HaltRing0) with
        {
            Polling = new PvmHaltPolling(KvmLab.Model.Kvm.HaltPollWindow.Upstream(Engine.Time.SimSpan.FromMicroseconds(10)), PollsRun: true),
        };
        PvmPingPongResult r = PvmPingPong.Run(s, PvmHere.Profile());
        Assert.Equal(0, r.Polled);
        Assert.Equal(r.Iterations, r.Blocked);
    }

    [Fact]
    public void VmxProfile_IsRefused() =>
        Assert.Throws<ArgumentException>(() => PvmPingPong.Run(Spec(false, PvmReceiverRest.HaltRing0), Profiles.SkylakeSp2020()));
}
