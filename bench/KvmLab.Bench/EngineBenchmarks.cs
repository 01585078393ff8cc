using BenchmarkDotNet.Attributes;

namespace KvmLab.Bench;

/// <summary>
/// The engine's event queue on the hold model (see <see cref="HoldModel"/>), with 1 and 1,000
/// events pending, against a plain <see cref="PriorityQueue{TElement, TPriority}"/> loop doing the
/// same work: the baseline, so BenchmarkDotNet's ratio column is engine time over baseline time.
/// Times are per event (OperationsPerInvoke).
/// </summary>
public class EngineBenchmarks
{
    public const int Events = 1_000_000;

    private long[] _increments = [];

    [Params(1, 1000)]
    public int Pending { get; set; }

    [GlobalSetup]
    public void Setup() => _increments = HoldModel.Increments(42);

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "PriorityQueue loop")]
    public long PriorityQueueLoop() => HoldModel.RunPriorityQueue(Pending, Events, _increments);

    [Benchmark(OperationsPerInvoke = Events, Description = "engine")]
    public long Engine() => HoldModel.RunEngine(Pending, Events, _increments);
}
