using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>Something that happens a fixed time later on the storage path (a message crossing the interconnect).</summary>
internal static class HostTiming
{
    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/>; at once when the delay is zero.</summary>
    public static void After(this HostContext host, SimSpan delay, Action action)
    {
        if (delay.Ns <= 0)
        {
            action();
            return;
        }

        host.Sim.Schedule(host.Sim.Now + delay, action);
    }
}
