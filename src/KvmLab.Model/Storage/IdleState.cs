using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>A physical idle state: how long waking from it takes and the minimum stay worth entering it.</summary>
public sealed record IdleState(string Name, SimSpan ExitLatency, SimSpan TargetResidency);
