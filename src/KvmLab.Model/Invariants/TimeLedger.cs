using KvmLab.Engine.Time;

namespace KvmLab.Model.Invariants;

/// <summary>
/// Where one entity (a pCPU, a vCPU) spent its time: exactly one state at a time, each change
/// closing the previous state's span. The sum over states is the time since the ledger started;
/// what makes the ledger a check is comparing it with accounts kept elsewhere (the scheduler's
/// runtimes, the KVM statistics, the guest's credited work), see <see cref="InvariantChecker"/>.
/// </summary>
public sealed class TimeLedger
{
    private readonly long[] _ns;
    private long _since;

    public TimeLedger(int states, int initial, SimTime start)
    {
        _ns = new long[states];
        State = initial;
        Start = start;
        _since = start.Ns;
    }

    public int State { get; private set; }

    public SimTime Start { get; }

    /// <summary>The entity is in <paramref name="state"/> from <paramref name="now"/> on.</summary>
    public void Enter(int state, SimTime now)
    {
        _ns[State] += now.Ns - _since;
        State = state;
        _since = now.Ns;
    }

    /// <summary>Time spent in <paramref name="state"/> up to <paramref name="now"/>, the open span included.</summary>
    public long TimeIn(int state, SimTime now) => _ns[state] + (state == State ? now.Ns - _since : 0);

    /// <summary>Time over every state up to <paramref name="now"/>.</summary>
    public long Total(SimTime now)
    {
        long sum = now.Ns - _since;
        foreach (long ns in _ns)
        {
            sum += ns;
        }

        return sum;
    }
}
