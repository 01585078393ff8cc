using System.CommandLine;
using KvmLab.RealKvm;
using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli;

internal static class ProbeCommand
{
    public static Command Create(TextWriter o, TextWriter err)
    {
        var suite = new Option<string>("--suite") { Description = "Which probes: exits, ipi, timer, notify or all", DefaultValueFactory = _ => "all" };
        suite.AcceptOnlyFromAmong([.. ProbeCatalog.Suites, "all"]);
        var samples = CommonOptions.Samples("Samples per natively running probe (ring-0 and slow probes take fewer)");
        var outDir = new Option<string?>("--out") { Description = "Directory for raw samples (one CSV per probe) and probe.json" };
        var json = CommonOptions.Json("one JSON document (environment, every probe's summary, the A/B comparisons)");
        var device = CommonOptions.Device();
        var cmd = new Command("probe", "Measure the real KVM through /dev/kvm with tiny guests: exit costs, IPIs, timers, notification paths") { suite, samples, outDir, json, device };
        cmd.SetAction(p =>
        {
            if (CommonOptions.SamplesInRange(p.GetValue(samples), "probe", err) is not int n)
            {
                return ExitCodes.Usage;
            }

            if (p.GetValue(outDir) is string dir && OutputPaths.DirectoryProblem(dir, "--out") is { } bad)
            {
                err.WriteLine($"kvmlab: probe: {bad}");
                return ExitCodes.Failure;
            }

            return ProbeRun.Execute(p.GetValue(device)!, p.GetValue(suite)!, n, p.GetValue(outDir), p.GetValue(json), o, err, out _, out _);
        });
        return cmd;
    }
}
