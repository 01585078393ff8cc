namespace KvmLab.Model.HostOs;

/// <summary>
/// An eventfd (fs/eventfd.c): a 64-bit counter. eventfd_signal adds one and wakes whoever polls
/// the fd (wake_up_locked_poll: the ppoll/epoll_wait of the thread that watches it); a read
/// (QEMU's event_notifier_test_and_clear) takes the whole count. The signaller pays
/// eventfd_signal's cost in its own path; the watcher decides what a signal means to it.
/// </summary>
public sealed class Eventfd(string name)
{
    public string Name { get; } = name;

    /// <summary>Signals not read yet.</summary>
    public long Count { get; private set; }

    /// <summary>Signals so far.</summary>
    public long Signals { get; private set; }

    /// <summary>The poll wait-queue entry of the thread that watches this fd (null: nobody watches).</summary>
    public Action? Watcher { get; set; }

    /// <summary>eventfd_signal.</summary>
    public void Signal()
    {
        Count++;
        Signals++;
        Watcher?.Invoke();
    }

    /// <summary>read(2) on the eventfd: returns the count and resets it (0: nothing was pending).</summary>
    public long TestAndClear()
    {
        long c = Count;
        Count = 0;
        return c;
    }
}
