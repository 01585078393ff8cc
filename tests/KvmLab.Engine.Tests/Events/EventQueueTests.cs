using KvmLab.Engine.Events;

namespace KvmLab.Engine.Tests.Events;

public class EventQueueTests
{
    private sealed class NoopHandler : IEventHandler
    {
        public void OnEvent(int kind, long arg)
        {
        }
    }

    [Fact]
    public void Empty_TryDequeueReturnsFalseAndPeekIsMaxValue()
    {
        var q = new EventQueue();

        Assert.Equal(0, q.Count);
        Assert.Equal(long.MaxValue, q.PeekTime());
        Assert.False(q.TryDequeue(long.MaxValue, out long time, out IEventHandler handler, out int kind, out long arg));
        Assert.Equal(0, time);
        Assert.Null(handler);
        Assert.Equal(0, kind);
        Assert.Equal(0, arg);
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void Drained_IsEmptyAgainAndReusable()
    {
        var q = new EventQueue();
        var h = new NoopHandler();
        for (int i = 0; i < 1000; i++)
        {
            q.Enqueue(i * 7L, i, h, 0, i);
        }

        for (int i = 0; i < 1000; i++)
        {
            Assert.True(q.TryDequeue(long.MaxValue, out _, out _, out _, out long arg));
            Assert.Equal(i, arg);
        }

        Assert.Equal(0, q.Count);
        Assert.Equal(long.MaxValue, q.PeekTime());
        Assert.False(q.TryDequeue(long.MaxValue, out _, out _, out _, out _));

        q.Enqueue(20_000, 1000, h, 5, 42);
        Assert.Equal(1, q.Count);
        Assert.Equal(20_000, q.PeekTime());
        Assert.True(q.TryDequeue(20_000, out long time, out _, out int kind, out long arg2));
        Assert.Equal(20_000, time);
        Assert.Equal(5, kind);
        Assert.Equal(42, arg2);
    }

    [Fact]
    public void TryDequeue_RespectsLimit_EventAtLimitIsDue()
    {
        var q = new EventQueue();
        var h = new NoopHandler();
        q.Enqueue(100, 0, h, 1, 11);

        Assert.False(q.TryDequeue(99, out long time, out _, out _, out _));
        Assert.Equal(1, q.Count);
        Assert.Equal(100, q.PeekTime());
        Assert.True(q.TryDequeue(100, out time, out IEventHandler got, out int kind, out long arg));
        Assert.Equal(100, time);
        Assert.Same(h, got);
        Assert.Equal(1, kind);
        Assert.Equal(11, arg);
    }

    [Fact]
    public void EqualTimes_DequeueFirstInFirstOut_AcrossResizes()
    {
        var q = new EventQueue();
        var h = new NoopHandler();
        const int n = 3000; // well past several ring doublings

        // Interleave a crowd at one time with events before and after it.
        long seq = 0;
        for (int i = 0; i < n; i++)
        {
            q.Enqueue(5_000, seq++, h, 1, i);
            if (i % 3 == 0)
            {
                q.Enqueue(4_999 - (i % 1000), seq++, h, 0, -1);
                q.Enqueue(5_001 + i, seq++, h, 2, -1);
            }
        }

        var crowd = new List<long>();
        long last = long.MinValue;
        while (q.TryDequeue(long.MaxValue, out long time, out _, out int kind, out long arg))
        {
            Assert.True(time >= last, $"time went back from {last} to {time}");
            last = time;
            if (kind == 1)
            {
                Assert.Equal(5_000, time);
                crowd.Add(arg);
            }
        }

        Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), crowd);
    }

    [Fact]
    public void EqualTimes_OrderIsBySeqNotByEnqueueOrder()
    {
        // The queue orders by the caller's sequence number; the Simulator hands out increasing ones.
        var q = new EventQueue();
        var h = new NoopHandler();
        long[] seqs = [5, 3, 9, 0, 7, 1, 8, 2, 6, 4];
        foreach (long s in seqs)
        {
            q.Enqueue(1_000, s, h, 0, s);
        }

        var got = new List<long>();
        while (q.TryDequeue(long.MaxValue, out _, out _, out _, out long arg))
        {
            got.Add(arg);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), got);
    }

    [Fact]
    public void FarFutureEvent_AloneAndAmongNearOnes_ComesOutInOrder()
    {
        var q = new EventQueue();
        var h = new NoopHandler();
        long seq = 0;
        q.Enqueue(10_000_000_000, seq++, h, 0, 1);
        for (int i = 0; i < 100; i++)
        {
            q.Enqueue(10 * i, seq++, h, 0, 0);
        }

        for (int i = 0; i < 100; i++)
        {
            Assert.True(q.TryDequeue(long.MaxValue, out long t, out _, out _, out long arg));
            Assert.Equal(10 * i, t);
            Assert.Equal(0, arg);
        }

        Assert.False(q.TryDequeue(9_999_999_999, out _, out _, out _, out _));
        Assert.True(q.TryDequeue(long.MaxValue, out long far, out _, out _, out long farArg));
        Assert.Equal(10_000_000_000, far);
        Assert.Equal(1, farArg);
    }

    [Fact]
    public void EarlierEventEnqueuedAfterARefusedDequeue_ComesOutFirst()
    {
        // A refused dequeue moves the search cursor to the later event; an event enqueued after
        // that, earlier than the cursor, must still be found first.
        var q = new EventQueue();
        var h = new NoopHandler();
        q.Enqueue(1_000_000, 0, h, 0, 1);
        Assert.False(q.TryDequeue(10, out _, out _, out _, out _));
        q.Enqueue(10, 1, h, 0, 2);
        q.Enqueue(500, 2, h, 0, 3);

        Assert.True(q.TryDequeue(long.MaxValue, out long t1, out _, out _, out long a1));
        Assert.True(q.TryDequeue(long.MaxValue, out long t2, out _, out _, out long a2));
        Assert.True(q.TryDequeue(long.MaxValue, out long t3, out _, out _, out long a3));
        Assert.Equal((10L, 2L), (t1, a1));
        Assert.Equal((500L, 3L), (t2, a2));
        Assert.Equal((1_000_000L, 1L), (t3, a3));
    }
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TimesNearLongMaxValue_ComeOutInOrder(int seed)
    {
        // The day arithmetic ((day + 1) * width, top += width) overflows in the last day before
        // long.MaxValue; SimTime.MaxValue is a natural "never" deadline, so it must still work.
        var q = new EventQueue();
        var h = new NoopHandler();
        var reference = new SortedSet<(long Time, long Seq)>();
        var rng = new System.Random(seed);
        long seq = 0;
        for (int op = 0; op < 20_000; op++)
        {
            if (rng.NextDouble() < (op < 10_000 ? 0.7 : 0.3))
            {
                long t = rng.Next(3) switch
                {
                    0 => long.MaxValue - rng.Next(3),
                    1 => long.MaxValue - rng.NextInt64(1L << 45),
                    _ => rng.NextInt64(1_000_000),
                };
                q.Enqueue(t, seq, h, 0, seq);
                reference.Add((t, seq));
                seq++;
            }
            else
            {
                long limit = rng.Next(2) == 0 ? long.MaxValue : rng.NextInt64(long.MaxValue);
                bool got = q.TryDequeue(limit, out long time, out _, out _, out long arg);
                bool expect = reference.Count > 0 && reference.Min.Time <= limit;
                Assert.Equal(expect, got);
                if (got)
                {
                    Assert.Equal(reference.Min, (time, arg));
                    reference.Remove(reference.Min);
                }
            }

            Assert.Equal(reference.Count, q.Count);
        }

        while (q.TryDequeue(long.MaxValue, out long time, out _, out _, out long arg))
        {
            Assert.Equal(reference.Min, (time, arg));
            reference.Remove(reference.Min);
        }

        Assert.Empty(reference);
    }
}
