namespace KvmLab.Model.Guest;

/// <summary>
/// A memory word guest code spins on (a csd lock, kvm-unit-tests' ipi_done): armed with a count
/// of signals still due, set when the last arrives. The waiting CPU sees it one cache-line
/// transfer later if it is spinning in guest mode, or when it next spins.
/// </summary>
public sealed class GuestFlag
{
    private GuestCpu? _waiter;

    public bool IsSet => Outstanding == 0;

    public int Outstanding { get; private set; }

    public void Arm(int signals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(signals);
        Outstanding = signals;
    }

    public void Signal()
    {
        if (Outstanding == 0)
        {
            throw new InvalidOperationException("Flag signalled more often than armed.");
        }

        if (--Outstanding == 0)
        {
            GuestCpu? w = _waiter;
            _waiter = null;
            w?.OnFlagSet(this);
        }
    }

    internal void SetWaiter(GuestCpu cpu) => _waiter = cpu;
}
