using System.Globalization;
using KvmLab.Engine.Time;

namespace KvmLab.Engine.Invariants;

/// <summary>
/// The model broke one of its physical invariants (time conservation, work within guest time, no
/// event in the past...). A number computed past this point would be a bug, not a result, so the
/// run stops. The message is one line naming the invariant, the entity and the simulated time.
/// </summary>
public sealed class InvariantViolationException : Exception
{
    public InvariantViolationException(string invariant, string entity, SimTime at, string detail)
        : base(Format(invariant, entity, at, detail))
    {
        Invariant = invariant;
        Entity = entity;
        At = at;
        Detail = detail;
    }

    public InvariantViolationException()
        : this("unknown", "unknown", SimTime.Zero, "")
    {
    }

    public InvariantViolationException(string message)
        : base(message)
    {
        Invariant = "unknown";
        Entity = "unknown";
        Detail = message;
    }

    public InvariantViolationException(string message, Exception inner)
        : base(message, inner)
    {
        Invariant = "unknown";
        Entity = "unknown";
        Detail = message;
    }

    /// <summary>A short stable name of the invariant, e.g. "vcpu-time-conservation".</summary>
    public string Invariant { get; }

    /// <summary>Which pCPU, vCPU, thread or component broke it, e.g. "vm0/vcpu1".</summary>
    public string Entity { get; }

    /// <summary>The simulated time the violation was found at.</summary>
    public SimTime At { get; }

    public string Detail { get; }

    private static string Format(string invariant, string entity, SimTime at, string detail) =>
        string.Create(CultureInfo.InvariantCulture, $"invariant '{invariant}' violated by {entity} at {at.Ns / 1e6:0.000000} ms simulated: {detail}");
}
