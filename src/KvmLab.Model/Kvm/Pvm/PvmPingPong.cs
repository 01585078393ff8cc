using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Kvm.Pvm;

/// <summary>What a PVM ping-pong did: the median round trip and how each IPI reached its handler.</summary>
public sealed record PvmPingPongResult(SimSpan MedianRoundTrip, int Iterations, int Blocked, int Kicked, int AtInjectionPoint, int Polled = 0);

/// <summary>
/// Times an IPI ping-pong on a PVM host event by event (docs/PVM.md 3.1, 4.3): each IPI is
/// accepted when the sender's ICR write completes; where the receiver is at that moment decides
/// the path (<see cref="PvmInterrupts.UntilInjection"/>): still emulating the previous handler's
/// tail or idle loop, it is injected at the receiver's next injection point (IRETQ to ring 3, HLT
/// with the interrupt pending, or the end of a batch) without blocking or a kick; resting, it is
/// woken (or, with halt polling running, seen by the poll loop) or kicked. The branch therefore
/// follows from the two vCPUs' own timing (a native CPL3 sender's next IPI overtakes the
/// receiver's emulated tail; an emulated CPL0 sender is slow enough for the receiver to block),
/// not from a per-probe choice.
/// </summary>
public static class PvmPingPong
{
    private const int Warmup = 8;

    public static PvmPingPongResult Run(PvmPingPongSpec s, CostProfile p, int iterations = 64)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(p);
        PvmCosts c = p.Pvm;
        if (p.Vendor != CpuVendor.Pvm || c.EmulationBatch < 1)
        {
            throw new ArgumentException($"profile '{p.Id}' is not a PVM profile", nameof(p));
        }

        double E(GuestCode g) => g.Emulated(c).Ns;
        // CPL3: the ICR store faults (#PF, MMIO) and is emulated; the IPI is sent before the switch back to native.
        double send = s.SenderRing0 ? E(s.Send) : Math.Max(0, c.NativeExit.Ns - c.NativeExitReturn.Ns);
        double resume = s.SenderRing0 ? send : c.NativeExit.Ns;
        double detect = s.SenderRing0 ? (E(s.WaitPass) / 2) + E(s.Closing) : p.CacheLineTransfer.Ns;
        double gap = s.SenderRing0 ? E(s.SenderGap) : 0;
        double head = E(s.Head), tail = E(s.Tail), idle = s.Rest == PvmReceiverRest.HaltRing0 ? E(s.Idle) : 0;
        int handlerInstructions = s.Head.Instructions + s.Tail.Instructions;

        double start = 0, receiverFree = double.NegativeInfinity, passStart = 0;
        var trips = new List<double>();
        int blocked = 0, kicked = 0, atPoint = 0, polled = 0;
        PvmHaltPolling polling = s.Polling ?? PvmHaltPolling.Aborting;
        SimSpan window = SimSpan.Zero;
        for (int k = 0; k < iterations + Warmup; k++)
        {
            double pending = start + send;
            double inject;
            if (s.Rest == PvmReceiverRest.SpinRing0)
            {
                // The receiver never leaves ring 0: the interrupt waits for the end of the current
                // pass (EmulationBatch instructions since the last injection, the spin loop's at A each).
                double passLength = head + tail + (Math.Max(0, c.EmulationBatch - handlerInstructions) * c.EmulatedAlu.Ns);
                double end = passStart + passLength;
                while (end < pending)
                {
                    end += c.EmulationBatch * c.EmulatedAlu.Ns;
                }

                inject = PvmInterrupts.UntilInjection(PvmTargetState.EmulatingRing0, p, SimSpan.FromNanoseconds(end - pending)).Ns + pending;
                atPoint += k >= Warmup ? 1 : 0;
            }
            else if (pending < receiverFree)
            {
                inject = receiverFree; // taken at the IRETQ to ring 3 or at HLT with the interrupt pending: no block, no kick
                atPoint += k >= Warmup ? 1 : 0;
            }
            else if (s.Rest == PvmReceiverRest.HaltRing0)
            {
                // Halted since receiverFree: kvm_vcpu_block polls if the window covers the wait so far
                // and the host lets the poll run, else the thread sleeps and is woken. The window then
                // adapts to the whole block (kvm_vcpu_halt).
                double haltedSince = double.IsNegativeInfinity(receiverFree) ? start : receiverFree; // the first IPI: halted since the start
                SimSpan waited = SimSpan.FromNanoseconds(pending - haltedSince);
                bool polls = polling.Catches(window, waited);
                inject = pending + PvmInterrupts.UntilInjection(polls ? PvmTargetState.Polling : PvmTargetState.Blocked, p, SimSpan.Zero).Ns;
                window = polling.Window.Adapt(window, SimSpan.FromNanoseconds(inject - haltedSince));
                blocked += k >= Warmup && !polls ? 1 : 0;
                polled += k >= Warmup && polls ? 1 : 0;
            }
            else
            {
                inject = pending + PvmInterrupts.UntilInjection(PvmTargetState.Native, p, SimSpan.Zero).Ns;
                kicked += k >= Warmup ? 1 : 0;
            }

            passStart = inject;
            double ack = inject + c.InterruptInject.Ns + head;
            receiverFree = ack + tail + idle;
            double seen = Math.Max(ack + detect, start + resume);
            if (k >= Warmup)
            {
                trips.Add(seen - start);
            }

            start = seen + gap;
        }

        trips.Sort();
        return new PvmPingPongResult(SimSpan.FromNanoseconds(trips[trips.Count / 2]), iterations, blocked, kicked, atPoint, polled);
    }
}
