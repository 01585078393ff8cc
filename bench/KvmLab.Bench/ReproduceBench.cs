using System.Diagnostics;
using System.Globalization;
using KvmLab.Cli;
using KvmLab.Experiments;

namespace KvmLab.Bench;

/// <summary>
/// Issue 15's parallel-runs figure: `kvmlab reproduce` of the pair experiments (every experiment
/// judged on a published change) with --jobs 1 and then --jobs 2 in the same process, through the
/// command itself; both wall times, the speed-up, and whether the two outputs are the same bytes.
/// One long wall-clock measurement (minutes), so a Stopwatch rather than BenchmarkDotNet.
/// </summary>
internal static class ReproduceBench
{
    public static int Run()
    {
        var inv = CultureInfo.InvariantCulture;
        string[] ids = [.. ExperimentCatalog.All.Where(e => !e.JudgedPerVariant).Select(e => e.Id)];
        // Warm-up (JIT and tiering) on the cheapest experiment, so neither timed run pays for it.
        Reproduce(["exitless-pv-ipi.single-ipi"], 2);
        var (wall1, out1) = Reproduce(ids, 1);
        var (wall2, out2) = Reproduce(ids, 2);
        bool same = string.Equals(out1, out2, StringComparison.Ordinal);
        double speedup = wall1 / wall2;
        Console.WriteLine(string.Create(inv,
            $"reproduce of {ids.Length} pair experiments, {Environment.ProcessorCount} cores: --jobs 1 {wall1:F1} s   --jobs 2 {wall2:F1} s   speed-up {speedup:F2}x; outputs {(same ? "identical" : "DIFFERENT")}"));
        Console.WriteLine(string.Create(inv,
            $"{{\"experiments\":{ids.Length},\"cores\":{Environment.ProcessorCount},\"jobs_1_wall_s\":{wall1:F2},\"jobs_2_wall_s\":{wall2:F2},\"speedup\":{speedup:F3},\"identical\":{(same ? "true" : "false")}}}"));
        return same ? 0 : 1;
    }

    private static (double Wall, string Out) Reproduce(string[] ids, int jobs)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var sw = Stopwatch.StartNew();
        int code = KvmLabCli.Run(["reproduce", .. ids, "--json", "--jobs", jobs.ToString(CultureInfo.InvariantCulture)], o, e);
        double wall = sw.Elapsed.TotalSeconds;
        if (code != 0)
        {
            throw new InvalidOperationException($"reproduce --jobs {jobs} exited {code}: {e}");
        }

        return (wall, o.ToString());
    }
}
