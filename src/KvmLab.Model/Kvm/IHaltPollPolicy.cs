using KvmLab.Engine.Time;

namespace KvmLab.Model.Kvm;

/// <summary>
/// Decision point: how long a halted vCPU's thread polls before sleeping, and how that window
/// adapts after each block. <paramref name="currentWindow"/> is the vCPU's halt_poll_ns.
/// </summary>
public interface IHaltPollPolicy
{
    /// <summary>The window for the block that is starting.</summary>
    SimSpan PollWindow(SimSpan currentWindow);

    /// <summary>The vCPU's next window, after a block of <paramref name="blocked"/>.</summary>
    SimSpan Adapt(SimSpan currentWindow, SimSpan blocked);
}
