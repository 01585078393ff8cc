using KvmLab.RealKvm;
using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli;

/// <summary>One probe run as `probe` and `calibrate` do it: open /dev/kvm, run, print, keep samples.</summary>
internal static class ProbeRun
{
    public static int Execute(string device, string suite, int samples, string? outDir, bool json, TextWriter o, TextWriter err, out IReadOnlyList<ProbeResult> results, out HostEnvironment? environment)
    {
        results = [];
        environment = null;
        string? why = Kvm.Unavailable(device);
        if (why is not null)
        {
            err.WriteLine($"kvmlab: probe: cannot use {device}: {why}");
            return ExitCodes.Failure;
        }

        using Kvm kvm = Kvm.Open(device);
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true; // let the run loops stop and every fd close
            cts.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            var ctx = new ProbeContext(kvm, samples, cts.Token);
            IReadOnlyList<IProbe> probes = ProbeCatalog.ForSuite(suite);
            int done = 0;
            List<ProbeResult> list = ProbeSession.Run(ctx, probes, (probe, r) =>
            {
                done++;
                err.WriteLine($"kvmlab: probe [{done}/{probes.Count}] {probe.Suite}/{probe.Name}: {r.Status.ToString().ToLowerInvariant()}");
            });
            results = list;
            if (ctx.TscKhz == 0)
            {
                ctx.TscKhz = TscOf(kvm);
            }

            HostEnvironment env = HostEnvironment.Collect(ctx.TscKhz);
            environment = env;
            List<Comparison> comparisons = ComparisonPlan.Evaluate(list);
            string jsonText = ProbeReport.Json(env, list, comparisons);
            if (json)
            {
                o.WriteLine(jsonText);
            }
            else
            {
                o.Write(ProbeReport.Environment(env));
                o.WriteLine();
                o.WriteLine("PROBES (samples after warm-up; the overhead column is the baseline loop's median, already subtracted)");
                o.WriteLine(ProbeReport.Header());
                foreach (ProbeResult r in list)
                {
                    o.WriteLine(ProbeReport.Line(r));
                    if (ProbeReport.CountersLine(r) is string counters)
                    {
                        o.WriteLine(counters);
                    }
                }

                if (comparisons.Count > 0)
                {
                    o.WriteLine();
                    o.WriteLine($"A/B COMPARISONS (Mann-Whitney U, alpha {AbTest.Alpha}; bootstrap 95% CI of the median ratio B/A; noise threshold {AbTest.NoiseThreshold * 100:0}%)");
                    foreach (Comparison c in comparisons)
                    {
                        o.WriteLine($"  B={c.B} vs A={c.A}: {c.Verdict}");
                    }
                }
            }

            if (outDir is not null)
            {
                ProbeReport.WriteCsv(outDir, list);
                File.WriteAllText(Path.Combine(outDir, "probe.json"), jsonText);
                err.WriteLine($"kvmlab: probe: raw samples and probe.json written to {outDir}");
            }

            return list.Any(r => r.Status == ProbeStatus.Failed) ? ExitCodes.Failure : ExitCodes.Ok;
        }
        catch (OperationCanceledException)
        {
            err.WriteLine("kvmlab: probe: interrupted; every vCPU was stopped and closed");
            return ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>True, after one line naming them, when any probe failed: a table or profile built from failed probes would lie.</summary>
    public static bool Failures(IReadOnlyList<ProbeResult> results, string command, string consequence, TextWriter err)
    {
        var failed = results.Where(r => r.Status == ProbeStatus.Failed).Select(r => $"{r.Suite}/{r.Name}").ToList();
        if (failed.Count == 0)
        {
            return false;
        }

        err.WriteLine($"kvmlab: {command}: {failed.Count} of {results.Count} probes failed ({string.Join(", ", failed)}); {consequence}");
        return true;
    }

    private static long TscOf(Kvm kvm)
    {
        using var vm = RealKvm.Guests.TinyVm.Create(kvm, new RealKvm.Guests.TinyVmOptions());
        return vm.Vcpus[0].TscKhz();
    }
}
