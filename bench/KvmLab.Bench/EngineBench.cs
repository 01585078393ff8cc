using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KvmLab.Scenarios;

namespace KvmLab.Bench;

/// <summary>
/// The default mode: <see cref="EngineBenchmarks"/> and <see cref="ScenarioBenchmarks"/> under
/// BenchmarkDotNet, then one line per figure and a last line of JSON (the format the README and
/// earlier runs use). In process (no generated project to build): the benchmark runs under this
/// executable's settings, Server GC included, as kvmlab does.
/// </summary>
internal static class EngineBench
{
    public static int Run()
    {
        var inv = CultureInfo.InvariantCulture;
        Job job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10);
        IConfig config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(new QuietLogger())
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "kvmlab-bench-artifacts"))
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        Summary summary = BenchmarkRunner.Run([typeof(EngineBenchmarks), typeof(ScenarioBenchmarks)], config)[0];
        MarkdownExporter.Console.ExportToLog(summary, ConsoleLogger.Default);
        if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => r.ResultStatistics is null))
        {
            Console.Error.WriteLine("benchmark failed: see the messages above");
            return 1;
        }

        double NsPerOp(string method, int? pending = null) => summary.Reports.Single(r =>
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && (pending is null || (int)r.BenchmarkCase.Parameters["Pending"] == pending)).ResultStatistics!.Mean;

        var hold = new Dictionary<int, (double Engine, double Baseline)>();
        foreach (int pending in new[] { 1, 1000 })
        {
            double e = 1e9 / NsPerOp(nameof(EngineBenchmarks.Engine), pending);
            double b = 1e9 / NsPerOp(nameof(EngineBenchmarks.PriorityQueueLoop), pending);
            hold[pending] = (e, b);
            Console.WriteLine(string.Create(inv, $"hold model, {pending,4} pending: engine {e / 1e6,6:F2} M events/s   PriorityQueue baseline {b / 1e6,6:F2} M events/s   ratio {e / b:F2}"));
        }

        RunResult once = ScenarioRunner.Run(ScenarioLoader.LoadFile(ScenarioBenchmarks.ScenarioPath));
        double simRate = once.SimulatedSeconds / (NsPerOp(nameof(ScenarioBenchmarks.IpiBench8Vcpu)) / 1e9);
        Console.WriteLine(string.Create(inv, $"8-vCPU IPI benchmark scenario: {simRate:F3} simulated s per wall s ({once.Events} events per {once.SimulatedSeconds:0.###} simulated s)"));
        Console.WriteLine(string.Create(inv,
            $"{{\"hold_1_engine_events_per_s\":{hold[1].Engine:F0},\"hold_1_priorityqueue_events_per_s\":{hold[1].Baseline:F0},\"hold_1_ratio\":{hold[1].Engine / hold[1].Baseline:F3}," +
            $"\"hold_1000_engine_events_per_s\":{hold[1000].Engine:F0},\"hold_1000_priorityqueue_events_per_s\":{hold[1000].Baseline:F0},\"hold_1000_ratio\":{hold[1000].Engine / hold[1000].Baseline:F3}," +
            $"\"ipi_bench_8vcpu_sim_s_per_wall_s\":{simRate:F4}}}"));
        return 0;
    }

    public static string RepoRoot()
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
}
