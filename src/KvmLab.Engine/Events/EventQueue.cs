namespace KvmLab.Engine.Events;

/// <summary>
/// The pending-event set: a calendar queue (R. Brown, "Calendar queues: a fast O(1) priority
/// queue implementation for the simulation event set problem", CACM 31(10), 1988). Events hash
/// by time into a ring of buckets one "day" wide; each bucket is a list sorted by
/// (time, sequence), so equal times fire first-in first-out. The ring doubles or halves with
/// the event count and the day width is re-estimated from the spacing of the earliest events,
/// which keeps about one event per bucket: enqueue and dequeue cost O(1) on average, where a
/// heap costs O(log n).
/// <para>
/// Nodes live in pooled arrays addressed by index, and the arrays that are walked hold no
/// object references (a struct with a reference is copied through a GC write barrier).
/// Cancellation is lazy (see <see cref="SimTimer"/>): stale entries fire and are ignored.
/// </para>
/// </summary>
internal sealed class EventQueue
{
    private const int Nil = -1;
    private const int MinBuckets = 16;

    private Node[] _nodes = new Node[64];
    private IEventHandler?[] _handlers = new IEventHandler?[64];
    private int _freeHead = Nil;
    private int _nodeHighWater;

    private int[] _buckets = NewBuckets(MinBuckets);
    private int _mask = MinBuckets - 1;
    // The day width is a power of two so bucketing is a shift, not a 64-bit division.
    private int _shift = 10;
    private long _width = 1L << 10;
    private int _count;

    // Where the last dequeue found its event: the bucket, and the end of that bucket's day.
    private int _lastBucket;
    private long _bucketTop;
    private long _lastTime;

    public EventQueue()
    {
        SetCursor(0);
    }

    public int Count => _count;

    public void Enqueue(long time, long seq, IEventHandler handler, int kind, long arg)
    {
        int n = TakeNode();
        ref Node node = ref _nodes[n];
        node.Time = time;
        node.Seq = seq;
        node.Kind = kind;
        node.Arg = arg;
        _handlers[n] = handler;
        Insert(n);
        if (++_count > 2 * _buckets.Length)
        {
            Resize(_buckets.Length * 2);
        }
    }

    public long PeekTime() => _count == 0 ? long.MaxValue : _nodes[FindMin()].Time;

    /// <summary>
    /// Removes the earliest event if it is due at or before <paramref name="limit"/>, giving its
    /// time and what to call; false when the queue is empty or the next event is later.
    /// </summary>
    public bool TryDequeue(long limit, out long time, out IEventHandler handler, out int kind, out long arg)
    {
        if (_count == 0)
        {
            time = 0;
            handler = null!;
            kind = 0;
            arg = 0;
            return false;
        }

        int n = FindMin();
        ref Node node = ref _nodes[n];
        time = node.Time;
        if (time > limit)
        {
            handler = null!;
            kind = 0;
            arg = 0;
            return false;
        }

        _buckets[_lastBucket] = node.Next;
        kind = node.Kind;
        arg = node.Arg;
        handler = _handlers[n]!;
        _handlers[n] = null;
        node.Next = _freeHead;
        _freeHead = n;
        _lastTime = time;
        if (--_count < _buckets.Length / 2 && _buckets.Length > MinBuckets)
        {
            Resize(_buckets.Length / 2);
        }

        return true;
    }

    /// <summary>
    /// The node holding the earliest event. Walks the ring from the last bucket, one day per
    /// bucket; if a whole year passes with nothing due (sparse far-future events), falls back
    /// to a direct search of the bucket heads, as Brown does. The cursor moves to the bucket
    /// found; that is safe even if nothing is removed, as no event lies before it.
    /// </summary>
    private int FindMin()
    {
        int i = _lastBucket;
        long top = _bucketTop;
        var buckets = _buckets;
        var nodes = _nodes;
        for (int step = 0; step <= _mask; step++)
        {
            int h = buckets[i];
            if (h != Nil && nodes[h].Time < top)
            {
                _lastBucket = i;
                _bucketTop = top;
                return h;
            }

            i = (i + 1) & _mask;
            top += _width;
        }

        // Direct search: the smallest head by (time, seq).
        int best = Nil;
        for (int b = 0; b <= _mask; b++)
        {
            int h = buckets[b];
            if (h != Nil && (best == Nil || Before(nodes[h], nodes[best])))
            {
                best = h;
            }
        }

        SetCursor(nodes[best].Time);
        return best;
    }

    private void SetCursor(long time)
    {
        long day = time >> _shift;
        _lastBucket = (int)(day & _mask);
        _bucketTop = (day + 1) * _width;
    }

    private void Insert(int n)
    {
        ref Node node = ref _nodes[n];
        int b = (int)((node.Time >> _shift) & _mask);
        int cur = _buckets[b];
        if (cur == Nil || Before(node, _nodes[cur]))
        {
            node.Next = cur;
            _buckets[b] = n;
        }
        else
        {
            int prev = cur;
            cur = _nodes[cur].Next;
            while (cur != Nil && !Before(node, _nodes[cur]))
            {
                prev = cur;
                cur = _nodes[cur].Next;
            }

            node.Next = cur;
            _nodes[prev].Next = n;
        }

        // An event earlier than the cursor's day (allowed: "now" may lie inside the day) moves
        // the cursor back so the search does not pass over it.
        if (node.Time < _bucketTop - _width)
        {
            SetCursor(node.Time);
        }
    }

    /// <summary>
    /// Re-buckets every event into a ring of <paramref name="newSize"/> buckets with a day width
    /// of about three times the mean gap between the earliest events (Brown's rule, ignoring
    /// gaps more than twice the mean so one far-future event does not inflate the width),
    /// rounded to a power of two.
    /// </summary>
    private void Resize(int newSize)
    {
        int shift = EstimateShift();
        var all = new List<int>(_count);
        foreach (int head in _buckets)
        {
            for (int n = head; n != Nil; n = _nodes[n].Next)
            {
                all.Add(n);
            }
        }

        _buckets = NewBuckets(newSize);
        _mask = newSize - 1;
        _shift = shift;
        _width = 1L << shift;
        long cursorTime = _lastTime;
        SetCursor(cursorTime);
        foreach (int n in all)
        {
            Insert(n);
        }
    }

    private int EstimateShift()
    {
        int sample = Math.Min(_count, 25);
        if (sample < 2)
        {
            return _shift;
        }

        // The earliest `sample` times, found without disturbing the queue.
        var times = new List<long>(_count);
        foreach (int head in _buckets)
        {
            for (int n = head; n != Nil; n = _nodes[n].Next)
            {
                times.Add(_nodes[n].Time);
            }
        }

        times.Sort();
        double total = 0;
        for (int k = 1; k < sample; k++)
        {
            total += times[k] - times[k - 1];
        }

        double mean = total / (sample - 1);
        double kept = 0;
        int keptCount = 0;
        for (int k = 1; k < sample; k++)
        {
            long gap = times[k] - times[k - 1];
            if (gap <= 2 * mean)
            {
                kept += gap;
                keptCount++;
            }
        }

        double gapMean = keptCount == 0 ? mean : kept / keptCount;
        long width = (long)Math.Ceiling(3 * gapMean);
        if (width < 1)
        {
            return _shift;
        }

        // The power of two nearest the estimate (by log), at most 2^40 ns.
        int shift = (int)Math.Round(Math.Log2(width));
        return Math.Clamp(shift, 0, 40);
    }

    private int TakeNode()
    {
        if (_freeHead != Nil)
        {
            int n = _freeHead;
            _freeHead = _nodes[n].Next;
            return n;
        }

        if (_nodeHighWater == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
            Array.Resize(ref _handlers, _handlers.Length * 2);
        }

        return _nodeHighWater++;
    }

    private static bool Before(in Node a, in Node b) => a.Time < b.Time || (a.Time == b.Time && a.Seq < b.Seq);

    private static int[] NewBuckets(int size)
    {
        var b = new int[size];
        Array.Fill(b, Nil);
        return b;
    }

    private struct Node
    {
        public long Time;
        public long Seq;
        public long Arg;
        public int Kind;
        public int Next;
    }
}
