using KvmLab.Engine.Events;

namespace KvmLab.Engine.Tests.Events;

/// <summary>
/// Randomized comparison of the calendar queue against a reference ordered set keyed by
/// (time, seq). Seeds are fixed, so every run performs the same operations.
/// </summary>
public class EventQueuePropertyTests
{
    private const long FarFutureNs = 10_000_000_000; // 10 s

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 17, 12345, 987654 };

    /// <summary>
    /// Simulator-like use: new events are never earlier than "now", which is the time of the
    /// last event dequeued or, after a dequeue refused by its limit, that limit (as RunUntil
    /// leaves the clock at its end).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesReference_SimulatorLikeWorkload(int seed)
    {
        var run = new Run(seed, allowPast: false);
        run.Execute(cycles: 2, peakTarget: 5_200);
        Assert.True(run.PeakCount > 5_000, $"peak pending was only {run.PeakCount}");
        Assert.True(run.Dequeued > 10_000, $"only {run.Dequeued} events dequeued");
        Assert.True(run.RefusedByLimit > 100, $"only {run.RefusedByLimit} dequeues were refused by their limit");
    }

    /// <summary>
    /// The queue as a general priority queue: events may also be enqueued before the time of
    /// the last event dequeued (the queue's own contract allows it; the Simulator never does it).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesReference_WhenEventsAreEnqueuedInThePast(int seed)
    {
        var run = new Run(seed, allowPast: true);
        run.Execute(cycles: 2, peakTarget: 5_200);
        Assert.True(run.PeakCount > 5_000, $"peak pending was only {run.PeakCount}");
    }

    /// <summary>Many small grow/shrink swings around the minimum ring size.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesReference_SmallOscillations(int seed)
    {
        var run = new Run(seed, allowPast: false);
        run.Execute(cycles: 200, peakTarget: 70);
        Assert.True(run.Dequeued > 10_000, $"only {run.Dequeued} events dequeued");
    }

    private readonly record struct Entry(long Time, long Seq, int Kind, long Arg, IEventHandler Handler);

    private sealed class ByTimeThenSeq : IComparer<Entry>
    {
        public static readonly ByTimeThenSeq Instance = new();

        public int Compare(Entry x, Entry y)
        {
            int c = x.Time.CompareTo(y.Time);
            return c != 0 ? c : x.Seq.CompareTo(y.Seq);
        }
    }

    private sealed class TagHandler(int id) : IEventHandler
    {
        public int Id { get; } = id;

        public void OnEvent(int kind, long arg) => throw new InvalidOperationException("not called by the queue");

        public override string ToString() => $"handler#{Id}";
    }

    private sealed class Run
    {
        private readonly System.Random _rng;
        private readonly bool _allowPast;
        private readonly EventQueue _queue = new();
        private readonly SortedSet<Entry> _reference = new(ByTimeThenSeq.Instance);
        private readonly TagHandler[] _handlers;
        private readonly List<long> _hotTimes = [];
        private long _now;
        private long _nextSeq;
        private long _ops;

        public Run(int seed, bool allowPast)
        {
            _rng = new System.Random(seed);
            _allowPast = allowPast;
            _handlers = new TagHandler[7];
            for (int i = 0; i < _handlers.Length; i++)
            {
                _handlers[i] = new TagHandler(i);
            }
        }

        public int PeakCount { get; private set; }

        public long Dequeued { get; private set; }

        public long RefusedByLimit { get; private set; }

        public void Execute(int cycles, int peakTarget)
        {
            CheckEmpty();
            for (int cycle = 0; cycle < cycles; cycle++)
            {
                // Grow: mostly enqueues (in bursts) until the target is passed.
                while (_reference.Count <= peakTarget)
                {
                    if (_rng.NextDouble() < 0.72)
                    {
                        int burst = _rng.NextDouble() < 0.1 ? 1 + _rng.Next(20) : 1;
                        for (int b = 0; b < burst; b++)
                        {
                            Enqueue();
                        }
                    }
                    else
                    {
                        Dequeue();
                    }
                }

                // Shrink: mostly dequeues until empty.
                while (_reference.Count > 0)
                {
                    if (_rng.NextDouble() < 0.2)
                    {
                        Enqueue();
                    }
                    else
                    {
                        Dequeue();
                    }
                }

                CheckEmpty();
            }
        }

        private void Enqueue()
        {
            long time = NextTime();
            var e = new Entry(time, _nextSeq++, _rng.Next(-3, 1000), NextArg(), _handlers[_rng.Next(_handlers.Length)]);
            _queue.Enqueue(e.Time, e.Seq, e.Handler, e.Kind, e.Arg);
            Assert.True(_reference.Add(e));
            PeakCount = Math.Max(PeakCount, _reference.Count);
            AfterOp();
        }

        private void Dequeue()
        {
            long limit = NextLimit();
            bool got = _queue.TryDequeue(limit, out long time, out IEventHandler handler, out int kind, out long arg);
            bool expectGot = _reference.Count > 0 && _reference.Min.Time <= limit;
            Assert.True(expectGot == got, $"op {_ops}: TryDequeue({limit}) returned {got}, expected {expectGot} (count {_reference.Count})");
            if (got)
            {
                Entry want = _reference.Min;
                _reference.Remove(want);
                if (want.Time != time || want.Kind != kind || want.Arg != arg || !ReferenceEquals(want.Handler, handler))
                {
                    Assert.Fail(
                        $"op {_ops}: dequeued (t={time}, kind={kind}, arg={arg}, {handler}), " +
                        $"expected (t={want.Time}, seq={want.Seq}, kind={want.Kind}, arg={want.Arg}, {want.Handler})");
                }

                _now = time;
                Dequeued++;
            }
            else
            {
                if (_reference.Count > 0)
                {
                    RefusedByLimit++;
                }

                // RunUntil(end) leaves the clock at end; later events are scheduled from there.
                if (limit != long.MaxValue && limit > _now)
                {
                    _now = limit;
                }
            }

            AfterOp();
        }

        private void AfterOp()
        {
            _ops++;
            Assert.Equal(_reference.Count, _queue.Count);
            if (_ops % 97 == 0)
            {
                long expectPeek = _reference.Count == 0 ? long.MaxValue : _reference.Min.Time;
                Assert.Equal(expectPeek, _queue.PeekTime());
            }
        }

        private void CheckEmpty()
        {
            Assert.Equal(0, _queue.Count);
            Assert.Equal(long.MaxValue, _queue.PeekTime());
            Assert.False(_queue.TryDequeue(long.MaxValue, out _, out _, out _, out _));
        }

        /// <summary>A mixture: equal times, tight and loose exponential gaps, far-future events.</summary>
        private long NextTime()
        {
            long baseTime = _now;
            if (_allowPast && _rng.NextDouble() < 0.3)
            {
                baseTime = Math.Max(0, _now - (long)(_rng.NextDouble() * 2_000_000));
            }

            double u = _rng.NextDouble();
            long time;
            if (u < 0.15)
            {
                time = baseTime; // exactly now
            }
            else if (u < 0.35 && _hotTimes.Count > 0)
            {
                // A time shared by many events (a tick, a batch).
                time = Math.Max(baseTime, _hotTimes[_rng.Next(_hotTimes.Count)]);
            }
            else if (u < 0.65)
            {
                time = baseTime + Exponential(20); // tight gaps
            }
            else if (u < 0.88)
            {
                time = baseTime + Exponential(5_000);
            }
            else if (u < 0.97)
            {
                time = baseTime + Exponential(1_000_000);
            }
            else
            {
                time = baseTime + FarFutureNs + _rng.Next(3); // rare far-future events
            }

            if (_rng.NextDouble() < 0.05)
            {
                if (_hotTimes.Count < 8)
                {
                    _hotTimes.Add(time);
                }
                else
                {
                    _hotTimes[_rng.Next(_hotTimes.Count)] = time;
                }
            }

            return time;
        }

        private long NextLimit()
        {
            double u = _rng.NextDouble();
            if (u < 0.4 || (_reference.Count == 0 && u < 0.7))
            {
                return long.MaxValue;
            }

            if (_reference.Count > 0 && u < 0.6)
            {
                return _reference.Min.Time; // exactly due
            }

            if (_reference.Count > 0 && u < 0.75)
            {
                return _reference.Min.Time - 1; // just short of it
            }

            return _now + Exponential(10_000);
        }

        private long NextArg() => _rng.Next(4) switch
        {
            0 => 0,
            1 => long.MinValue + _rng.Next(),
            2 => long.MaxValue - _rng.Next(),
            _ => _rng.NextInt64(),
        };

        private long Exponential(double mean) => (long)(-mean * Math.Log(1.0 - _rng.NextDouble()));
    }
}
