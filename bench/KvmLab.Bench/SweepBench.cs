using System.Diagnostics;
using System.Globalization;
using KvmLab.Sweeps;

namespace KvmLab.Bench;

/// <summary>
/// Sweep throughput: the shipped sweep (sweeps/ipi-vcpus.yaml) with 6 replications, 108 points, run with --jobs 1 and
/// --jobs 2 in the same process, alternating, each into a fresh directory (so the journal's fsync
/// per point is included); the best of the repetitions of each, then the speed-up.
/// </summary>
internal static class SweepBench
{
    public static int Run(string repoRoot, int repetitions)
    {
        var inv = CultureInfo.InvariantCulture;
        // The shipped sweep with 6 replications per grid point: 108 points of about 20 ms each.
        string file = Path.Combine(repoRoot, "sweeps", "ipi-vcpus.yaml");
        string text = File.ReadAllText(file).Replace("replications: 1", "replications: 6", StringComparison.Ordinal);
        SweepSpec sweep = SweepLoader.Parse(text, file, Path.GetDirectoryName(file)!);
        string tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-sweep-bench-{Environment.ProcessId}");
        var best = new Dictionary<int, double> { [1] = 0, [2] = 0 };
        int points = 0;
        try
        {
            SweepRunner.Run(sweep, Path.Combine(tmp, "warmup"), 2, Shard.All); // JIT and tiering
            var expand = Stopwatch.StartNew();
            int expanded = SweepExpander.Expand(sweep, 2).Count;
            Console.WriteLine(string.Create(inv, $"  expanding and validating the {expanded} points (2 cores, in every run): {expand.Elapsed.TotalMilliseconds:F1} ms"));
            for (int r = 0; r < repetitions; r++)
            {
                foreach (int jobs in new[] { 1, 2 })
                {
                    // CPU time used per wall second tells a busy machine (about 1 core for --jobs 2)
                    // from a serial sweep; GC pauses tell whether the collector is in the way.
                    TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                    TimeSpan gc0 = GC.GetTotalPauseDuration();
                    SweepOutcome o = SweepRunner.Run(sweep, Path.Combine(tmp, $"j{jobs}-r{r}"), jobs, Shard.All);
                    double cores = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / o.Elapsed.TotalSeconds;
                    double gcShare = (GC.GetTotalPauseDuration() - gc0).TotalSeconds / o.Elapsed.TotalSeconds;
                    points = o.Ran;
                    double rate = o.Ran / o.Elapsed.TotalSeconds;
                    best[jobs] = Math.Max(best[jobs], rate);
                    Console.WriteLine(string.Create(inv,
                        $"  repetition {r + 1}, --jobs {jobs}: {o.Ran} points in {o.Elapsed.TotalSeconds:F2} s = {rate:F2} points/s, {cores:F2} cores busy, GC pauses {gcShare:P1} of the time"));
                }
            }
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }

        double speedup = best[2] / best[1];
        Console.WriteLine(string.Create(inv,
            $"sweep {sweep.Name} ({points} points), {Environment.ProcessorCount} cores: --jobs 1 {best[1]:F2} points/s   --jobs 2 {best[2]:F2} points/s   speed-up {speedup:F2}x (best of {repetitions})"));
        Console.WriteLine(string.Create(inv,
            $"{{\"sweep_points\":{points},\"cores\":{Environment.ProcessorCount},\"jobs_1_points_per_s\":{best[1]:F3},\"jobs_2_points_per_s\":{best[2]:F3},\"speedup\":{speedup:F3}}}"));
        return 0;
    }
}
