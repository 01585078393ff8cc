using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;

namespace KvmLab.Bench;

/// <summary>
/// The classic hold model (Vaucher and Duval 1975): N events pending; each event, when it fires,
/// schedules one successor at now + an exponential increment, so the queue size stays N.
/// Both runners draw the same precomputed increments and do the same dispatch; only the
/// pending-event set differs.
/// </summary>
internal static class HoldModel
{
    private const int IncrementCount = 1 << 16;

    public static long[] Increments(ulong seed)
    {
        var rng = new RngStream(seed);
        var inc = new long[IncrementCount];
        for (int i = 0; i < inc.Length; i++)
        {
            inc[i] = 1 + (long)rng.NextExponential(1000.0);
        }

        return inc;
    }

    /// <summary>Runs the engine; returns a checksum so the work cannot be optimised away.</summary>
    public static long RunEngine(int pending, long events, long[] increments)
    {
        var sim = new Simulator();
        var holder = new EngineHolder(sim, increments);
        for (int i = 0; i < pending; i++)
        {
            sim.Schedule(new SimTime(increments[i]), holder, 0, i);
        }

        holder.Remaining = events;
        sim.RunUntil(SimTime.MaxValue);
        return holder.Checksum;
    }

    /// <summary>The baseline: a plain PriorityQueue keyed by (time, sequence), same dispatch.</summary>
    public static long RunPriorityQueue(int pending, long events, long[] increments)
    {
        var queue = new PriorityQueue<BaselineHolder, (long Time, long Seq)>();
        var holder = new BaselineHolder(increments);
        long seq = 0;
        for (int i = 0; i < pending; i++)
        {
            queue.Enqueue(holder, (increments[i], seq++));
        }

        long remaining = events;
        while (queue.TryDequeue(out BaselineHolder? h, out var key))
        {
            long next = h.OnEvent(key.Time);
            if (--remaining > 0)
            {
                queue.Enqueue(h, (next, seq++));
            }
        }

        return holder.Checksum;
    }

    private sealed class EngineHolder(Simulator sim, long[] increments) : IEventHandler
    {
        private int _cursor;

        public long Remaining { get; set; }

        public long Checksum { get; private set; }

        public void OnEvent(int kind, long arg)
        {
            Checksum += arg;
            if (--Remaining > 0)
            {
                sim.Schedule(new SimTime(sim.Now.Ns + increments[_cursor++ & (IncrementCount - 1)]), this, kind, arg);
            }
        }
    }

    private sealed class BaselineHolder(long[] increments)
    {
        private int _cursor;

        public long Checksum { get; private set; }

        public long OnEvent(long now)
        {
            Checksum += now & 1;
            return now + increments[_cursor++ & (IncrementCount - 1)];
        }
    }
}
