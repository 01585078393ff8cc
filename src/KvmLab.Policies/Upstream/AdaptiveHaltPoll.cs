using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;

namespace KvmLab.Policies.Upstream;

/// <summary>
/// KVM's adaptive halt polling (virt/kvm/kvm_main.c, v5.10): poll for the vCPU's current
/// halt_poll_ns; afterwards a block no longer than the window changes nothing, a block longer
/// than the maximum shrinks (shrink factor 0 resets to 0), and a block shorter than the maximum
/// while the window is below it grows (x grow, at least grow_start, at most the maximum).
/// Defaults: halt_poll_ns 200000 on x86, grow 2, grow_start 10000, shrink 0.
/// </summary>
public sealed class AdaptiveHaltPoll : IHaltPollPolicy, IPolicyInfo
{
    public AdaptiveHaltPoll(SimSpan max, int grow = 2, SimSpan? growStart = null, int shrink = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max.Ns);
        Max = max;
        Grow = grow;
        GrowStart = growStart ?? SimSpan.FromMicroseconds(10);
        Shrink = shrink;
        window = new HaltPollWindow(Max, Grow, GrowStart, Shrink);
    }

    private readonly HaltPollWindow window;

    public SimSpan Max { get; }

    public int Grow { get; }

    public SimSpan GrowStart { get; }

    public int Shrink { get; }

    public string Id => "upstream/halt-poll";

    public string Summary => "Adaptive host halt polling: grow x2 from 10 us to halt_poll_ns (200 us), reset on a long block";

    public string Citation => "virt/kvm/kvm_main.c kvm_vcpu_block, grow_halt_poll_ns, shrink_halt_poll_ns (v5.10)";

    public SimSpan PollWindow(SimSpan currentWindow) => Max.Ns == 0 ? SimSpan.Zero : currentWindow;

    public SimSpan Adapt(SimSpan currentWindow, SimSpan blocked) => window.Adapt(currentWindow, blocked);
}
