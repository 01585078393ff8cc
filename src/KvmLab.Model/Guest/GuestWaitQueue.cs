namespace KvmLab.Model.Guest;

/// <summary>
/// A counting wait queue (a socket's receive queue, an eventfd, a futex): posts accumulate as
/// tokens; a waiter with no token blocks and is woken, first in first out, by the next post.
/// </summary>
public sealed class GuestWaitQueue(string name)
{
    private readonly Queue<GuestTask> _waiters = new();

    public string Name { get; } = name;

    public long Tokens { get; private set; }

    public int Waiting => _waiters.Count;

    /// <summary>Adds a token before anyone waits (an initial count, as a semaphore's).</summary>
    public void Post()
    {
        if (_waiters.Count > 0)
        {
            throw new InvalidOperationException($"{Name}: Post() is for initial tokens; wake waiters through the kernel.");
        }

        Tokens++;
    }

    /// <summary>Takes a token if there is one.</summary>
    internal bool TryTake()
    {
        if (Tokens == 0)
        {
            return false;
        }

        Tokens--;
        return true;
    }

    internal void AddWaiter(GuestTask t) => _waiters.Enqueue(t);

    /// <summary>Posts a token: returns the waiter to wake (it consumes the token), or null if none waits.</summary>
    internal GuestTask? PostAndTakeWaiter()
    {
        if (_waiters.Count > 0)
        {
            return _waiters.Dequeue();
        }

        Tokens++;
        return null;
    }
}
