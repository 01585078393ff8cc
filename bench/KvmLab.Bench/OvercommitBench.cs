using System.Diagnostics;
using System.Globalization;
using KvmLab.Engine.Time;
using KvmLab.Experiments;
using KvmLab.Experiments.Catalog;
using KvmLab.Scenarios;

namespace KvmLab.Bench;

/// <summary>
/// Issue 4's scale figure: the overcommit-boost host (three 96-vCPU VMs on 96 pCPUs, ebizzy in one,
/// stress in two, Li's boosts on) for N simulated seconds — wall time, events and peak memory —
/// beside the foundation's 8-vCPU IPI scenario in the same run.
/// </summary>
internal static class OvercommitBench
{
    public static int Run(string repoRoot, double simulatedSeconds)
    {
        var inv = CultureInfo.InvariantCulture;
        Experiment e = ExperimentCatalog.Find(OvercommitBoost.Id + ".3vms") ?? throw new InvalidOperationException("overcommit-boost.3vms is missing");
        ScenarioSpec spec = e.Optimized.Scenario with { Duration = SimSpan.FromSeconds(simulatedSeconds), Warmup = SimSpan.FromMilliseconds(30) };

        ScenarioSpec small = ScenarioLoader.LoadFile(Path.Combine(repoRoot, "scenarios", "ipi-bench-8vcpu.yaml"));
        var sw0 = Stopwatch.StartNew();
        RunResult s = ScenarioRunner.Run(small);
        double smallRate = s.SimulatedSeconds / sw0.Elapsed.TotalSeconds;

        GC.Collect();
        var sw = Stopwatch.StartNew();
        RunResult r = ScenarioRunner.Run(spec);
        double wall = sw.Elapsed.TotalSeconds;
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;

        Console.WriteLine(string.Create(inv,
            $"overcommit 3 x 96 vCPUs on 96 pCPUs: {r.SimulatedSeconds:F2} simulated s in {wall:F1} wall s ({r.SimulatedSeconds / wall:F3} sim s per wall s), " +
            $"{r.Events} events ({r.Events / wall / 1e6:F2} M events/s), peak working set {peak / (1024.0 * 1024):F0} MiB"));
        Console.WriteLine(string.Create(inv, $"8-vCPU IPI benchmark scenario (same run): {smallRate:F3} simulated s per wall s"));
        Console.WriteLine(string.Create(inv,
            $"{{\"overcommit_sim_s\":{r.SimulatedSeconds:F3},\"overcommit_wall_s\":{wall:F2},\"overcommit_events\":{r.Events},\"overcommit_peak_mib\":{peak / (1024.0 * 1024):F0},\"ipi_bench_8vcpu_sim_s_per_wall_s\":{smallRate:F4}}}"));
        return 0;
    }
}
