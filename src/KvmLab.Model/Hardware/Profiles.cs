using System.Reflection;
using KvmLab.Model.Hardware.ProfileFiles;

namespace KvmLab.Model.Hardware;

/// <summary>
/// The platform cost profiles. Each platform has its estimates (the builder in this folder: every
/// value cites its source beside it and in docs/MODEL.md; ESTIMATEs are first-principles estimates
/// of a code path, never set from an experiment's published result) and, where a fit was made
/// (issue 13), its fitted profile: data/profiles/&lt;id&gt;.fitted.json, the output of
/// <c>kvmlab fit</c> on the platform's measurement catalog, compiled into this assembly. The id
/// names the fitted profile when one exists, so every experiment and scenario on a platform uses
/// it; <c>&lt;id&gt;-estimates</c> names the estimates alone (what a fit starts from, and
/// <c>reproduce --estimates</c>, the state before the fits).
/// </summary>
public static class Profiles
{
    /// <summary>The suffix of the estimates-only profile of a platform that has a fitted one.</summary>
    public const string EstimatesSuffix = "-estimates";

    private static readonly Lazy<IReadOnlyList<CostProfile>> Fitted = new(LoadFitted);

    /// <summary>The built-in profiles as their builders make them: estimates (and the few measured values).</summary>
    public static IReadOnlyList<CostProfile> Builtin { get; } =
    [
        IntelSkylakeFamily.SkylakeSp2020(),
        IntelSkylakeFamily.XeonPlatinum8260(),
        IntelSkylakeFamily.XeonGold5218(),
        AmdRome.Epyc7002(),
        PvmHere.Profile(),
    ];

    /// <summary>
    /// Every profile a scenario may name: per platform the fitted profile if there is one (under the
    /// platform's id) and its estimates (as <c>&lt;id&gt;-estimates</c>), else the estimates (under the id).
    /// </summary>
    public static IReadOnlyList<CostProfile> All => AllLazy.Value;

    private static readonly Lazy<IReadOnlyList<CostProfile>> AllLazy = new(() =>
    {
        var all = new List<CostProfile>();
        foreach (CostProfile b in Builtin)
        {
            if (Fitted.Value.FirstOrDefault(f => f.Id == b.Id) is { } fitted)
            {
                all.Add(fitted);
                all.Add(b with { Id = b.Id + EstimatesSuffix, Origin = "estimates, before the fit (docs/MODEL.md)" });
            }
            else
            {
                all.Add(b);
            }
        }

        // A fit that is not a platform's own (a host state of this machine: pvm-here-xeon, fitted to
        // a probe run of the 3 December host) is a profile of its own, under its own id.
        all.AddRange(Fitted.Value.Where(f => !Builtin.Any(b => b.Id == f.Id)));
        return all;
    });

    public static CostProfile? Find(string id) =>
        All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The estimates of a platform: what a fit starts from. Accepts the platform id or its
    /// <c>-estimates</c> name; null for an unknown id.
    /// </summary>
    public static CostProfile? Estimates(string id)
    {
        string bare = id.EndsWith(EstimatesSuffix, StringComparison.OrdinalIgnoreCase) ? id[..^EstimatesSuffix.Length] : id;
        return Builtin.FirstOrDefault(p => string.Equals(p.Id, bare, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The id of <paramref name="id"/>'s estimates-only profile (itself when the platform has no fit).</summary>
    public static string EstimatesId(string id) =>
        Find(id + EstimatesSuffix) is { } e ? e.Id : id;

    /// <summary>
    /// The PVM profile for a host whose TSC runs at <paramref name="tscKhz"/>: a compiled-in PVM
    /// profile fitted on a host with that TSC rate (within 0.5%), else pvm-here. The development VM
    /// moved between hosts (2.596 GHz AMD, then 2.000 GHz Intel); the TSC rate tells them apart.
    /// </summary>
    public static CostProfile PvmFor(long tscKhz)
    {
        double ghz = tscKhz / 1e6;
        return All.FirstOrDefault(p => p.Vendor == CpuVendor.Pvm && Math.Abs(p.TscGhz - ghz) <= 0.005 * p.TscGhz && p.Id != PvmHere.Id)
            ?? Find(PvmHere.Id)!;
    }

    /// <summary>The Skylake-SP host of Wanpeng Li's 2020 fastpath measurements, as estimated (the builder).</summary>
    public static CostProfile SkylakeSp2020() => IntelSkylakeFamily.SkylakeSp2020();

    /// <summary>The fitted profiles compiled in from data/profiles/*.fitted.json (KvmLab.Model.csproj).</summary>
    private static List<CostProfile> LoadFitted()
    {
        var fitted = new List<CostProfile>();
        Assembly a = typeof(Profiles).Assembly;
        foreach (string name in a.GetManifestResourceNames().Where(n => n.StartsWith("fitted/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using Stream s = a.GetManifestResourceStream(name)!;
            using var r = new StreamReader(s);
            string path = "data/profiles/" + name["fitted/".Length..];
            CalibratedProfile c = ProfileFile.Parse(r.ReadToEnd(), path, Estimates);
            fitted.Add(c.Profile with { Origin = FitOrigin(c) });
        }

        return fitted;
    }

    private static string FitOrigin(CalibratedProfile c)
    {
        // The fit writes "fit to <catalogs>" as the environment and the leave-one-out median into the citation.
        var loo = System.Text.RegularExpressions.Regex.Match(c.Profile.Citation, @"median leave-one-out error ([0-9.]+%)");
        return c.Environment + (loo.Success ? $", median leave-one-out error {loo.Groups[1].Value}" : "");
    }
}
