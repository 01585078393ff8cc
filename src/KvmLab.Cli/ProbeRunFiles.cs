using KvmLab.Calibration.Pvm;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli;

/// <summary>Probe runs in the form the calibration room reads: from live probes, or from a profile file's recorded medians.</summary>
internal static class ProbeRunFiles
{
    public static ProbeRunFile FromLive(IReadOnlyList<ProbeResult> results, HostEnvironment env) => new(
        "probes run now",
        new ProbeHost(env.Flavour, env.CpuModel, env.Kernel, env.TscKhz, env.ModuleParameters.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)),
        [.. results.Select(r => new ProbeMedian($"{r.Suite}/{r.Name}", r.Status == ProbeStatus.Measured ? "measured" : r.Status.ToString().ToLowerInvariant(),
            r.Summary?.Median, r.Summary?.Count ?? 0, r.ExitsConfirmed, r.Note,
            (long)r.Counters.GetValueOrDefault("halt_attempted_poll"), (long)r.Counters.GetValueOrDefault("halt_successful_poll")))]);

    public static ProbeRunFile FromProfile(CalibratedProfile c, string path) => new(
        $"{path} (probe_medians_ns)",
        new ProbeHost(c.Environment, "", "", (long)Math.Round(c.Profile.TscGhz * 1e6), new Dictionary<string, string>()),
        [.. c.Measurements.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new ProbeMedian(kv.Key, "measured", kv.Value, 0, null, ""))]);

    /// <summary>A built-in profile id or a profile file; null (with the reason written) when it is neither.</summary>
    public static (CostProfile Profile, CalibratedProfile? File)? Resolve(string given, string command, TextWriter err)
    {
        if (Profiles.Find(given) is { } built)
        {
            return (built, null);
        }

        if (File.Exists(given))
        {
            CalibratedProfile c = ProfileFile.Read(given);
            return (c.Profile, c);
        }

        err.WriteLine($"kvmlab: {command}: --profile: '{given}' is neither a file nor a profile (known: {string.Join(", ", Profiles.All.Select(x => x.Id))})");
        return null;
    }
}
