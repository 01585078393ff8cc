using KvmLab.Engine.Time;

namespace KvmLab.Model.Guest;

/// <summary>
/// A guest read-write semaphore as Linux 5.10 kernel/locking/rwsem.c runs it (the mm's
/// <c>mmap_lock</c>, formerly <c>mmap_sem</c>): readers share it, a writer excludes everyone.
/// <list type="bullet">
/// <item>Fast paths (rwsem_read_trylock, rwsem_write_trylock): one atomic on the count's cache
/// line. A reader fails it while a writer holds the lock or anyone waits (RWSEM_READ_FAILED_MASK
/// includes RWSEM_FLAG_WAITERS), so readers queue behind a waiting writer.</item>
/// <item>Optimistic spinning (rwsem_optimistic_spin): a writer, and since 5.3 a reader
/// (cf69482d62d9, removed again in 5.13 by 617f3ef95177), spins while the lock's writer owner runs
/// (rwsem_can_spin_on_owner: owner-&gt;on_cpu and !vcpu_is_preempted, which a KVM guest reads
/// from steal time); a writer also spins on a reader-owned lock for rwsem_rspin_threshold
/// (10 us + 0.5 us per reader, at most 25 us). The spin is PAUSE in kernel mode, so it is what
/// pause-loop exiting sees.</item>
/// <item>Sleeping: otherwise the task queues FIFO and sleeps (schedule()). Release
/// (rwsem_wake -> rwsem_mark_wake) grants to a waiting spinner first (it is on a CPU and takes
/// the free count), else to the queue's head: a writer alone, or every queued reader (up to
/// MAX_READERS_WAKEUP, 0x100; d3681e269fff). The woken writer is granted the lock at once, as
/// RWSEM_FLAG_HANDOFF does after RWSEM_WAIT_TIMEOUT (a simplification: no lock stealing while
/// it gets back on its CPU). Each wake is a try_to_wake_up from the releasing CPU, with its
/// reschedule IPI when the waiter's CPU is elsewhere (wake_up_q).</item>
/// <item>downgrade_write turns the writer into a reader and wakes the queued readers
/// (rwsem_downgrade_wake), as munmap and brk do in 5.x (__do_munmap with downgrade).</item>
/// <item>The count is one cache line: every down and up is an atomic read-modify-write on it,
/// and atomics from different CPUs on one line take turns, each holding the line for a
/// CacheLineTransfer (<see cref="LineAtomics"/>). With many CPUs faulting this line, not the
/// lock's logic, limits page-fault throughput: the contention Linux 6.4's per-VMA locks remove
/// (the "Per-VMA locks" series, Suren Baghdasaryan, mm/memory.c lock_vma_under_rcu).</item>
/// </list>
/// </summary>
public sealed class GuestRwsem(string name)
{
    private const int MaxReadersWakeup = 0x100;

    /// <summary>The spinner re-checks its owner this often (the loop reads owner->on_cpu every iteration; checking in steps keeps the event count bounded).</summary>
    private static readonly SimSpan OwnerCheck = SimSpan.FromMicroseconds(2);

    private readonly LinkedList<Waiter> _queue = new();
    private SimTime _lineFree;
    private readonly List<Waiter> _spinners = [];

    public string Name { get; } = name;

    /// <summary>Readers holding the lock now.</summary>
    public int Readers { get; private set; }

    /// <summary>The writer holding the lock, or null.</summary>
    public GuestTask? Writer { get; private set; }

    public int Queued => _queue.Count;

    public long ReadAcquisitions { get; private set; }

    public long WriteAcquisitions { get; private set; }

    /// <summary>Acquisitions that spun (optimistic spinning) before getting the lock.</summary>
    public long Spun { get; private set; }

    /// <summary>Acquisitions that slept on the wait queue.</summary>
    public long Slept { get; private set; }

    /// <summary>down_read: <paramref name="then"/> runs with the lock held for reading (must be the op's continuation: a sleeping reader resumes through the scheduler).</summary>
    public void DownRead(GuestCpu cpu, Action then) => Acquire(cpu, write: false, then);

    /// <summary>down_write: <paramref name="then"/> runs with the lock held for writing (the op's continuation, as for <see cref="DownRead"/>).</summary>
    public void DownWrite(GuestCpu cpu, Action then) => Acquire(cpu, write: true, then);

    /// <summary>up_read: the last reader out wakes a waiting writer.</summary>
    public void UpRead(GuestCpu cpu, Action then)
    {
        if (Readers <= 0)
        {
            throw new InvalidOperationException($"{Name}: up_read with no reader.");
        }

        Readers--;
        cpu.Compute(LineAtomics(cpu, 1), () => Release(cpu, then));
    }

    /// <summary>up_write: wakes the next writer or the queued readers.</summary>
    public void UpWrite(GuestCpu cpu, Action then)
    {
        RequireWriter(cpu);
        Writer = null;
        cpu.Compute(LineAtomics(cpu, 1), () => Release(cpu, then));
    }

    /// <summary>downgrade_write: the writer keeps the lock as a reader; queued readers join it.</summary>
    public void Downgrade(GuestCpu cpu, Action then)
    {
        RequireWriter(cpu);
        Writer = null;
        Readers++;
        cpu.Compute(LineAtomics(cpu, 1), () => Release(cpu, then));
    }

    private void RequireWriter(GuestCpu cpu)
    {
        if (Writer is null || Writer != cpu.CurrentTask)
        {
            throw new InvalidOperationException($"{Name}: released for writing by CPU {cpu.Id}, which does not hold it.");
        }
    }

    private void Acquire(GuestCpu cpu, bool write, Action then)
    {
        GuestTask task = cpu.CurrentTask ?? throw new InvalidOperationException($"{Name}: taken outside a task.");
        HostContext host = cpu.Kernel.Host;
        if (CanTake(write, queueEmpty: _queue.Count == 0)) // spinners are not in the count: the fast path may pass them
        {
            Take(task, write);
            cpu.Compute(LineAtomics(cpu, 1), then);
            return;
        }

        var w = new Waiter(task, cpu, write, then, cpu.Kernel.Now);
        if (CanSpin(w))
        {
            Spun++;
            _spinners.Add(w);
            w.Granted.Arm(1);
            task.PreemptCount++; // osq_lock and the spin run with preemption off
            SpinStep(w);
            return;
        }

        Sleep(w);
    }

    /// <summary>Atomics acquired the line so far, over every CPU.</summary>
    public long LineAtomicCount { get; private set; }

    /// <summary>Time the atomics spent waiting for the line held by other CPUs' atomics.</summary>
    public SimSpan LineWait { get; private set; }

    /// <summary>
    /// <paramref name="n"/> atomics on the count's line from <paramref name="cpu"/>, back to back:
    /// the line is booked for n transfers from when it is next free; returns how long the CPU
    /// stalls (the wait for the line plus its own transfers). Booking conserves the line's
    /// occupancy, so throughput is bounded by one atomic per transfer time whatever the interleaving.
    /// </summary>
    public SimSpan LineAtomics(GuestCpu cpu, int n)
    {
        SimTime now = cpu.Kernel.Now;
        SimSpan transfer = cpu.Kernel.Host.Costs.CacheLineTransfer;
        SimTime start = _lineFree > now ? _lineFree : now;
        _lineFree = start + (transfer * n);
        LineAtomicCount += n;
        LineWait += start - now;
        return _lineFree - now;
    }

    private bool CanTake(bool write, bool queueEmpty) =>
        write ? Writer is null && Readers == 0 && queueEmpty : Writer is null && queueEmpty;

    private void Take(GuestTask task, bool write)
    {
        if (write)
        {
            Writer = task;
            WriteAcquisitions++;
        }
        else
        {
            Readers++;
            ReadAcquisitions++;
        }
    }

    /// <summary>rwsem_can_spin_on_owner, and for a writer the reader-owned spin of rwsem_optimistic_spin up to rwsem_rspin_threshold.</summary>
    private bool CanSpin(Waiter w)
    {
        if (Writer is { } owner)
        {
            return OwnerRuns(w.Cpu.Kernel, owner);
        }

        if (!w.Write || Readers == 0)
        {
            return false;
        }

        long thresholdNs = (20 + Math.Min(Readers, 30)) * 1000 / 2;
        return (w.Cpu.Kernel.Now - w.Since).Ns < thresholdNs;
    }

    /// <summary>owner->on_cpu and !vcpu_is_preempted(task_cpu(owner)).</summary>
    private static bool OwnerRuns(GuestKernel k, GuestTask owner)
    {
        GuestCpu c = k.Cpus[owner.Cpu];
        return c.CurrentTask == owner && !c.Vcpu.Preempted;
    }

    private void SpinStep(Waiter w)
    {
        w.Cpu.SpinUntil(w.Granted, () => SpinGranted(w), OwnerCheck, () =>
        {
            if (w.Granted.IsSet)
            {
                SpinGranted(w);
            }
            else if (CanSpin(w))
            {
                SpinStep(w);
            }
            else
            {
                // The owner went off its CPU (or the reader-owned spin ran out): stop spinning and sleep.
                _spinners.Remove(w);
                w.Task.PreemptCount--;
                Sleep(w);
            }
        });
    }

    private void SpinGranted(Waiter w)
    {
        w.Task.PreemptCount--;
        w.Cpu.Compute(LineAtomics(w.Cpu, 1), w.Then);
    }

    private void Sleep(Waiter w)
    {
        Slept++;
        _queue.AddLast(w);
        w.Cpu.Kernel.BlockCurrent(w.Cpu);
    }

    /// <summary>
    /// rwsem_wake: a spinner takes the free lock first; else the queue's head writer, or every
    /// queued reader; then <paramref name="then"/> on the releasing CPU after its wake-ups.
    /// </summary>
    private void Release(GuestCpu cpu, Action then)
    {
        if (Writer is not null)
        {
            then();
            return;
        }

        if (GrantSpinners())
        {
            then();
            return;
        }

        if (_queue.First is not { } head)
        {
            then();
            return;
        }

        var woken = new List<GuestTask>();
        if (head.Value.Write)
        {
            if (Readers > 0)
            {
                then();
                return;
            }

            _queue.RemoveFirst();
            Take(head.Value.Task, write: true);
            woken.Add(head.Value.Task);
        }
        else
        {
            for (LinkedListNode<Waiter>? n = _queue.First; n is not null && woken.Count < MaxReadersWakeup;)
            {
                LinkedListNode<Waiter>? next = n.Next;
                if (!n.Value.Write)
                {
                    _queue.Remove(n);
                    Take(n.Value.Task, write: false);
                    woken.Add(n.Value.Task);
                }

                n = next;
            }
        }

        cpu.Kernel.WakeAll(cpu, woken, then);
    }

    /// <summary>Hands the free lock to the spinners that can take it: the first writer spinner alone, or every reader spinner.</summary>
    private bool GrantSpinners()
    {
        if (_spinners.Count == 0)
        {
            return false;
        }

        Waiter first = _spinners[0];
        if (first.Write)
        {
            if (Readers > 0)
            {
                return false;
            }

            _spinners.RemoveAt(0);
            Take(first.Task, write: true);
            first.Granted.Signal();
            return true;
        }

        bool any = false;
        for (int i = 0; i < _spinners.Count;)
        {
            Waiter s = _spinners[i];
            if (s.Write)
            {
                i++;
                continue;
            }

            _spinners.RemoveAt(i);
            Take(s.Task, write: false);
            s.Granted.Signal();
            any = true;
        }

        return any;
    }

    private sealed class Waiter(GuestTask task, GuestCpu cpu, bool write, Action then, SimTime since)
    {
        public GuestTask Task { get; } = task;

        public GuestCpu Cpu { get; } = cpu;

        public bool Write { get; } = write;

        public Action Then { get; } = then;

        public SimTime Since { get; } = since;

        public GuestFlag Granted { get; } = new();
    }
}
