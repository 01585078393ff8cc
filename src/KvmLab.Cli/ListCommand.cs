using System.CommandLine;
using KvmLab.Experiments;
using KvmLab.Model.Hardware;
using KvmLab.Policies;
using KvmLab.Scenarios;
using KvmLab.Scenarios.Workloads;

namespace KvmLab.Cli;

internal static class ListCommand
{
    public static Command Create(TextWriter o)
    {
        var cmd = new Command("list", "List experiments, features, policies, workloads and cost profiles, each with its citation");
        cmd.SetAction(_ =>
        {
            o.WriteLine("EXPERIMENTS (kvmlab reproduce <id>)");
            foreach (Experiment e in ExperimentCatalog.All)
            {
                o.WriteLine($"  {e.Id,-28} {e.Title}");
                if (e.JudgedPerVariant)
                {
                    o.WriteLine($"  {"",-28} {e.Variants.Count} configurations, each +-{e.Tolerance}% and the same order; {e.Citation}");
                    continue;
                }

                string tolerance = e.ToleranceOn == ToleranceKind.EachValuePercent ? $"+-{e.Tolerance}% each value" : $"+-{e.Tolerance} pts";
                o.WriteLine($"  {"",-28} published {e.PublishedChangePercent:+0.0;-0.0}% {tolerance}; {e.Citation}");
            }

            o.WriteLine();
            o.WriteLine("FEATURES by source (scenario 'features:'; * = on by default; ! = only for a trusted guest)");
            foreach (var source in FeatureCatalog.Every.GroupBy(f => f.Source))
            {
                o.WriteLine($" {source.Key} (src/KvmLab.Policies/{source.Key}/)");
                foreach (FeatureInfo f in source)
                {
                    string marks = (f.OnByDefault ? " *" : "") + (f.RequiresTrustedGuest ? " !" : "");
                    string needs = f.Needs is { } v ? $" [{(v == CpuVendor.Intel ? "Intel VMX" : v == CpuVendor.Amd ? "AMD SVM" : "PVM")} only]" : "";
                    o.WriteLine($"  {f.Id + marks,-28} {f.Summary}{needs}");
                    o.WriteLine($"  {"",-28} {f.Citation}");
                }
            }

            o.WriteLine();
            o.WriteLine(" Hajnoczi2020 storage switches (fio workload keys; src/KvmLab.Policies/Hajnoczi2020/)");
            foreach (Policies.Hajnoczi2020.StorageSwitch sw in Policies.Hajnoczi2020.StorageSwitches.All)
            {
                o.WriteLine($"  {sw.Key,-28} {sw.Summary}");
                o.WriteLine($"  {"",-28} {sw.Citation}");
            }

            o.WriteLine();
            o.WriteLine("POLICIES");
            foreach (IPolicyInfo p in FeatureCatalog.Policies)
            {
                o.WriteLine($"  {p.Id,-28} {p.Summary}");
                o.WriteLine($"  {"",-28} {p.Citation}");
            }

            o.WriteLine();
            o.WriteLine("WORKLOADS (scenario 'workload: type:')");
            foreach (WorkloadDeclaration w in WorkloadRegistry.All)
            {
                o.WriteLine($"  {w.Id,-28} {w.Summary}");
                o.WriteLine($"  {"",-28} {w.Citation}");
                o.WriteLine($"  {"",-28} parameters: {string.Join(", ", w.Parameters.Select(Describe))}");
            }

            o.WriteLine();
            o.WriteLine("COST PROFILES (scenario 'profile:'; values and sources in docs/MODEL.md)");
            foreach (CostProfile p in Profiles.All)
            {
                o.WriteLine($"  {p.Id,-28} {p.Summary}");
                o.WriteLine($"  {"",-28} {p.Citation}");
                o.WriteLine($"  {"",-28} provenance: {p.ProvenanceLine()[(p.Id.Length + 2)..]}");
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>"threads (1..1024, default 1)" or "mode (unicast|broadcast|multicast)".</summary>
    private static string Describe(WorkloadParameter p) => p.Kind switch
    {
        ParameterKind.Integer => $"{p.Name} ({p.Min}..{p.Max}, default {p.Default})",
        ParameterKind.Microseconds => $"{p.Name} ({p.Min}..{p.Max} us, default {p.Default})",
        ParameterKind.Choice => $"{p.Name} ({string.Join("|", p.Choices)})",
        ParameterKind.IntegerList => $"{p.Name} (list of {p.Min}..{p.Max})",
        _ => p.Name,
    };
}
