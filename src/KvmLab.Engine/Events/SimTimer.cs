using KvmLab.Engine.Time;

namespace KvmLab.Engine.Events;

/// <summary>
/// A re-armable one-shot timer with O(1) cancel. Cancellation is lazy: each arming carries a
/// generation number and a firing whose generation is stale is dropped, so the queue never has
/// to search for an entry. One callback delegate is allocated per timer, none per arming.
/// </summary>
public sealed class SimTimer : IEventHandler
{
    private readonly Simulator _sim;
    private readonly Action _callback;
    private long _generation;

    public SimTimer(Simulator sim, Action callback)
    {
        _sim = sim;
        _callback = callback;
    }

    public bool IsArmed { get; private set; }

    public SimTime Deadline { get; private set; }

    public void Arm(SimTime at)
    {
        // Schedule first: if it throws (a deadline in the past), the earlier arming stays as it was.
        _sim.Schedule(at, this, 0, _generation + 1);
        _generation++;
        IsArmed = true;
        Deadline = at;
    }

    public void ArmAfter(SimSpan delay) => Arm(_sim.Now + delay);

    public void Cancel()
    {
        if (IsArmed)
        {
            _generation++;
            IsArmed = false;
        }
    }

    void IEventHandler.OnEvent(int kind, long arg)
    {
        if (!IsArmed || arg != _generation)
        {
            return;
        }

        IsArmed = false;
        _callback();
    }
}
