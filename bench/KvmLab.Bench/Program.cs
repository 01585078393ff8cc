using System.Diagnostics;
using System.Globalization;
using KvmLab.Bench;
using KvmLab.Scenarios;

// Engine throughput on the hold model, side by side with a plain PriorityQueue loop doing the
// same work in the same process, then simulated seconds per wall second on the shipped 8-vCPU
// IPI benchmark scenario. The last line is JSON with every figure and the ratios.
// Each figure is the best of five repetitions (the least disturbed by the rest of the machine).
if (args.Length > 0 && args[0] == "sweep")
{
    // Sweep points per second with --jobs 1 beside --jobs 2 (issue 7's 1.8x target on 2 cores).
    return SweepBench.Run(FindRepoRoot(), args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
}

if (args.Length > 0 && args[0] == "overcommit")
{
    // Three 96-vCPU VMs on 96 pCPUs for N simulated seconds (issue 4: 10 s in < 60 s and < 2 GiB).
    return OvercommitBench.Run(FindRepoRoot(), args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10);
}

long[] inc = HoldModel.Increments(42);
const long Events = 5_000_000;
const int Repetitions = 5;
var inv = CultureInfo.InvariantCulture;

double Best(Func<double> measure)
{
    double best = 0;
    for (int r = 0; r < Repetitions; r++)
    {
        best = Math.Max(best, measure());
    }

    return best;
}

double EventsPerSecond(Func<long> run) => Best(() =>
{
    var sw = Stopwatch.StartNew();
    run();
    return Events / sw.Elapsed.TotalSeconds;
});

var hold = new Dictionary<int, (double Engine, double Baseline)>();
foreach (int pending in new[] { 1, 1000 })
{
    double e = EventsPerSecond(() => HoldModel.RunEngine(pending, Events, inc));
    double b = EventsPerSecond(() => HoldModel.RunPriorityQueue(pending, Events, inc));
    hold[pending] = (e, b);
    Console.WriteLine(string.Create(inv, $"hold model, {pending,4} pending: engine {e / 1e6,6:F2} M events/s   PriorityQueue baseline {b / 1e6,6:F2} M events/s   ratio {e / b:F2}"));
}

string scenarioPath = Path.Combine(FindRepoRoot(), "scenarios", "ipi-bench-8vcpu.yaml");
ScenarioSpec spec = ScenarioLoader.LoadFile(scenarioPath);
long simEvents = 0;
double simRate = Best(() =>
{
    var sw = Stopwatch.StartNew();
    RunResult r = ScenarioRunner.Run(spec);
    simEvents = r.Events;
    return r.SimulatedSeconds / sw.Elapsed.TotalSeconds;
});
Console.WriteLine(string.Create(inv, $"8-vCPU IPI benchmark scenario: {simRate:F3} simulated s per wall s ({simEvents} events per {spec.Duration.Seconds:0.###} simulated s)"));

Console.WriteLine(string.Create(inv,
    $"{{\"hold_1_engine_events_per_s\":{hold[1].Engine:F0},\"hold_1_priorityqueue_events_per_s\":{hold[1].Baseline:F0},\"hold_1_ratio\":{hold[1].Engine / hold[1].Baseline:F3}," +
    $"\"hold_1000_engine_events_per_s\":{hold[1000].Engine:F0},\"hold_1000_priorityqueue_events_per_s\":{hold[1000].Baseline:F0},\"hold_1000_ratio\":{hold[1000].Engine / hold[1000].Baseline:F3}," +
    $"\"ipi_bench_8vcpu_sim_s_per_wall_s\":{simRate:F4}}}"));

return 0;

static string FindRepoRoot()
{
    for (string? d = AppContext.BaseDirectory; d is not null; d = Path.GetDirectoryName(d))
    {
        if (File.Exists(Path.Combine(d, "KvmLab.slnx")))
        {
            return d;
        }
    }

    throw new DirectoryNotFoundException("Run the benchmark from inside the KvmLab repository.");
}
