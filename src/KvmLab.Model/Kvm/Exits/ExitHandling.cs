using KvmLab.Engine.Time;

namespace KvmLab.Model.Kvm.Exits;

/// <summary>
/// One exit handler's answer: what it costs and what it does at its end, together, so nothing
/// can charge one without the other (issue 12). <paramref name="Yield"/>: yield_to succeeded, so
/// the vCPU calls schedule() before returning to the guest.
/// </summary>
public readonly record struct ExitHandling(SimSpan Cost, ExitEffect Effect, bool Yield = false);
