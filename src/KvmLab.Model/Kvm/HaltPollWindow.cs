using KvmLab.Engine.Time;

namespace KvmLab.Model.Kvm;

/// <summary>
/// KVM's adaptive halt-poll window (virt/kvm/kvm_main.c kvm_vcpu_halt, grow_halt_poll_ns,
/// shrink_halt_poll_ns; v5.10 to v6.x): after each block, a block no longer than the window
/// changes nothing; a block longer than the maximum shrinks it (shrink factor 0 resets it to 0);
/// a block shorter than the maximum while the window is below it grows it (x grow, at least
/// grow_start, at most the maximum). Shared by the simulator's upstream policy
/// (Policies/Upstream/AdaptiveHaltPoll) and the PVM probe model.
/// </summary>
/// <param name="Max">halt_poll_ns (the module parameter, or KVM_CAP_HALT_POLL's per-VM value); 0 turns polling off.</param>
/// <param name="Grow">halt_poll_ns_grow (2 upstream).</param>
/// <param name="GrowStart">halt_poll_ns_grow_start (10 us upstream).</param>
/// <param name="Shrink">halt_poll_ns_shrink (0 upstream: a long block resets the window).</param>
public sealed record HaltPollWindow(SimSpan Max, int Grow, SimSpan GrowStart, int Shrink)
{
    /// <summary>The x86 defaults: halt_poll_ns 200 us, grow 2, grow_start 10 us, shrink 0.</summary>
    public static HaltPollWindow Upstream(SimSpan? max = null) => new(max ?? SimSpan.FromMicroseconds(200), 2, SimSpan.FromMicroseconds(10), 0);

    /// <summary>The window after a block of <paramref name="blocked"/> with window <paramref name="current"/>.</summary>
    public SimSpan Adapt(SimSpan current, SimSpan blocked)
    {
        if (Max.Ns == 0)
        {
            return SimSpan.Zero;
        }

        if (blocked <= current)
        {
            return current;
        }

        if (current.Ns > 0 && blocked > Max)
        {
            return Shrink == 0 ? SimSpan.Zero : new SimSpan(current.Ns / Shrink);
        }

        if (current < Max && blocked < Max)
        {
            if (Grow == 0)
            {
                return current;
            }

            long v = Math.Max(current.Ns * Grow, GrowStart.Ns);
            return new SimSpan(Math.Min(v, Max.Ns));
        }

        return current;
    }

    /// <summary>
    /// Whether the window ends up covering a block of <paramref name="blocked"/> that repeats
    /// (a probe's fixed wait): the window starts at 0 (a new vCPU) and adapts after each block.
    /// </summary>
    public bool CoversRepeated(SimSpan blocked, int halts = 64)
    {
        SimSpan w = SimSpan.Zero;
        for (int i = 0; i < halts; i++)
        {
            w = Adapt(w, blocked);
        }

        return Covers(w, blocked);
    }

    /// <summary>A poll of <paramref name="window"/> sees a wake-up <paramref name="waited"/> after the halt (no window, no poll).</summary>
    public static bool Covers(SimSpan window, SimSpan waited) => window.Ns > 0 && waited <= window;
}
