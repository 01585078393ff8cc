using KvmLab.Engine.Time;

namespace KvmLab.Model.HostOs;

/// <summary>
/// A CPU-bound host thread (a compile job, a batch process next to the VMs): always runnable, it
/// gives its CPU up only when the scheduler preempts it, which for a user-mode task happens at
/// once on the reschedule IPI's return to user space.
/// </summary>
public sealed class CpuHog(string name, int id, HostScheduler scheduler) : HostThread(name, id)
{
    protected internal override void OnScheduledIn(SimTime now)
    {
    }

    protected internal override void OnReschedRequested(SimTime now)
    {
        if (State == ThreadState.Running)
        {
            scheduler.Preempt(this);
        }
    }
}
