using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>
/// A host pCPU's choice of physical idle state, after the cpuidle menu governor
/// (drivers/cpuidle/governors/menu.c, v5.10) reduced to its "typical interval" path: the
/// prediction is the mean of the last eight idle durations (get_typical_interval, which uses
/// the average when the samples are consistent; the next timer is far away on a NOHZ CPU doing
/// I/O), and the deepest state whose target residency fits the prediction is chosen.
/// </summary>
public sealed class MenuIdleGovernor
{
    private const int Intervals = 8; // menu.c INTERVALS
    private readonly IReadOnlyList<IdleState> _states;
    private readonly long[] _recent = new long[Intervals];
    private int _count;
    private int _next;

    public MenuIdleGovernor(IReadOnlyList<IdleState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0)
        {
            throw new ArgumentException("Need at least one idle state.", nameof(states));
        }

        _states = states;
    }

    public SimSpan Predicted()
    {
        if (_count == 0)
        {
            return SimSpan.FromMilliseconds(4); // no history: the tick (CONFIG_HZ 250) bounds the idle period
        }

        long sum = 0;
        for (int i = 0; i < _count; i++)
        {
            sum += _recent[i];
        }

        return new SimSpan(sum / _count);
    }

    /// <summary>The state entered for an idle period starting now.</summary>
    public IdleState Select()
    {
        SimSpan predicted = Predicted();
        IdleState chosen = _states[0];
        foreach (IdleState s in _states)
        {
            if (s.TargetResidency <= predicted)
            {
                chosen = s;
            }
        }

        return chosen;
    }

    /// <summary>menu_update: remember how long the idle period really was.</summary>
    public void Observe(SimSpan idle)
    {
        _recent[_next] = idle.Ns;
        _next = (_next + 1) % Intervals;
        _count = Math.Min(_count + 1, Intervals);
    }
}
