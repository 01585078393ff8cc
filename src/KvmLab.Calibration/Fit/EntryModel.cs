using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using KvmLab.Calibration.Catalog;
using KvmLab.Model.Hardware;
using KvmLab.Policies;
using KvmLab.Scenarios;

namespace KvmLab.Calibration.Fit;

/// <summary>
/// How the model computes one catalog entry: a scenario to run and the metric to read (the
/// kvm-unit-tests entries), or a profile field to read directly (a table value, a bound on the
/// hardware transition). An entry the model cannot compute says why, and the fit leaves it out.
/// </summary>
public static partial class EntryModel
{
    /// <summary>What computes an entry; null scenario for a direct read of the profile.</summary>
    public sealed record Plan(ScenarioSpec? Scenario, string? Metric, Func<CostProfile, double>? Direct);

    /// <summary>The plan, or null with the reason the model cannot compute this entry.</summary>
    public static Plan? For(MeasurementEntry e, string profileId, out string? whyNot)
    {
        ArgumentNullException.ThrowIfNull(e);
        whyNot = null;
        if (e.Statistic is { } st && (st.StartsWith("min", StringComparison.OrdinalIgnoreCase) || st.StartsWith("max", StringComparison.OrdinalIgnoreCase)
            || System.Text.RegularExpressions.Regex.IsMatch(st, @"^p\d")))
        {
            whyNot = $"a {st.Split(' ')[0]}, and the model's quantity is a mean";
            return null;
        }

        if (e.Quantity.StartsWith("probe.", StringComparison.Ordinal))
        {
            // A `kvmlab probe` median of a PVM host (docs/PVM.md): the PVM probe model computes it.
            string probe = e.Quantity["probe.".Length..];
            if (Profiles.Find(profileId) is { Vendor: not CpuVendor.Pvm })
            {
                whyNot = $"a PVM host's probe, and profile '{profileId}' is not a PVM profile";
                return null;
            }

            if (!Pvm.PvmProbeModel.Knows(probe))
            {
                whyNot = $"no PVM model of probe '{probe}'";
                return null;
            }

            Pvm.PvmRunConditions run = Pvm.PvmRunConditions.FromConfig(e.Config);
            return new Plan(null, null, p => Pvm.PvmProbeModel.PredictNs(probe, p, run));
        }

        switch (e.Quantity)
        {
            case "transition.vmx_roundtrip" when e.Unit == "cycles":
                return new Plan(null, null, p => (p.VmExit.Ns + p.VmEntry.Ns) * p.TscGhz);
            case "svm.vmrun_to_post_vmrun" when e.Unit == "cycles":
                // Roth's rdtscp samples around VMRUN in svm_vcpu_run (v2 of the vmsave/vmload patch):
                // VMRUN, the guest's HLT and the #VMEXIT back, i.e. SVM's world-switch round trip.
                return new Plan(null, null, p => (p.VmExit.Ns + p.VmEntry.Ns) * p.TscGhz);
            case "idle.c1.exit_latency" when e.Unit == "us":
                return new Plan(null, null, p => p.IdleExitLatency.Ns / 1000.0);
            case "vmexit.ipi" when WorkloadFactory.Types.Contains("vmexit") is false:
                return new Plan(Scenario(e, profileId, "kut-ipi", 2, ""), "cycles_per_ipi", null);
            default:
                break;
        }

        if (e.Quantity.StartsWith("exit_handling.", StringComparison.Ordinal) && e.Unit == "us")
        {
            // perf kvm stat's average handling time, under a guest timer flood (the sources: an
            // hrtimer-heavy guest, or a latency-bound server with dedicated pCPUs): cyclictest at
            // 50 us in a polling-idle Linux guest keeps the vCPU in guest mode, so its timers take
            // the TSC_DEADLINE write, preemption-timer and host-interrupt exits the entries time.
            string? reason = e.Quantity["exit_handling.".Length..] switch
            {
                "MSR_WRITE" => "MsrWrite",
                "PREEMPTION_TIMER" => "PreemptionTimer",
                "EXTERNAL_INTERRUPT" => "ExternalInterrupt",
                _ => null,
            };
            if (reason is null)
            {
                whyNot = $"the model has no {e.Quantity["exit_handling.".Length..]} exit";
                return null;
            }

            return new Plan(TimerFlood(e, profileId), $"exit_handling_us.{reason}", null);
        }

        if (e.Quantity.StartsWith("tscdeadline_latency.", StringComparison.Ordinal) && e.Unit == "cycles" && WorkloadFactory.Types.Contains("tscdeadline-latency"))
        {
            // kvm-unit-tests tscdeadline_latency.flat with its defaults (delta 200000 cycles), 1000 samples.
            string stat = e.Quantity["tscdeadline_latency.".Length..];
            if (stat is "mean" or "min" or "max")
            {
                return new Plan(Scenario(e, profileId, "tscdeadline-latency", 1, "  size: 1000\n"), stat, null);
            }
        }

        if (e.Quantity.StartsWith("vmexit.", StringComparison.Ordinal) && e.Unit == "cycles")
        {
            if (!WorkloadFactory.Types.Contains("vmexit"))
            {
                whyNot = "the vmexit workload is not in this build";
                return null;
            }

            string test = e.Scenario.GetValueOrDefault("test") ?? e.Quantity["vmexit.".Length..];
            if (!WorkloadFactory.ParametersOf("vmexit").Contains("test"))
            {
                whyNot = "the vmexit workload has no test parameter";
                return null;
            }

            int vcpus = int.TryParse(e.Scenario.GetValueOrDefault("vcpus"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 1;
            try
            {
                string device = e.Scenario.GetValueOrDefault("device") is { } d ? $"  device: {d}\n" : "";
                return new Plan(Scenario(e, profileId, "vmexit", vcpus, $"  test: {test}\n{device}"), "cycles", null);
            }
            catch (ScenarioException x)
            {
                whyNot = $"the model has no '{test}' test ({x.Message.Split(": ")[^1]})";
                return null;
            }
        }

        whyNot = $"no model of '{e.Quantity}' yet";
        return null;
    }

    /// <summary>
    /// The entry's setup as a scenario: the KVM features its scenario lists (the catalog lists what
    /// the source says was on), plus what every KVM of its era had: halt polling and HLT exits,
    /// the single-target ICR fastpath from Linux 5.6 on (commit 1e9e2622a149), and the defaults
    /// the config does not turn off. A fixed lapic_timer_advance_ns comes from
    /// config.timer_advance_ns when the advance is not adaptive.
    /// </summary>
    public static ScenarioSpec Scenario(MeasurementEntry e, string profileId, string workload, int vcpus, string parameters)
    {
        ArgumentNullException.ThrowIfNull(e);
        var features = new SortedSet<string>(e.Features.Where(f => FeatureCatalog.Find(f) is not null), StringComparer.Ordinal)
        {
            FeatureCatalog.HaltPolling,
            FeatureCatalog.HltExits,
        };
        if (KernelAtLeast(e.Kernel, 5, 6))
        {
            features.Add(FeatureCatalog.IpiFastpath);
        }

        // What the source leaves unsaid is the era's default on this platform: APICv and the
        // preemption timer on an Intel host unless the config says off; the adaptive timer
        // advance (the default since 5.1) unless the config gives a fixed advance.
        if (!Off(e.Config.GetValueOrDefault("apicv")) && FeatureCatalog.Find(FeatureCatalog.ApicV)?.Needs == Profiles.Find(profileId)?.Vendor)
        {
            features.Add(FeatureCatalog.ApicV);
        }

        if (!Off(e.Config.GetValueOrDefault("preemption_timer")) && Profiles.Find(profileId)?.Vendor == CpuVendor.Intel)
        {
            features.Add(FeatureCatalog.PreemptionTimer);
        }

        string? adv = e.Config.GetValueOrDefault("timer_advance_ns");
        if (adv is null || adv.StartsWith("-1", StringComparison.Ordinal) || adv.StartsWith("adaptive", StringComparison.Ordinal))
        {
            features.Add(FeatureCatalog.AdaptiveTimerAdvance);
        }

        string advance = e.Config.GetValueOrDefault("timer_advance_ns") is { } a && long.TryParse(a, NumberStyles.Integer, CultureInfo.InvariantCulture, out long ns) && ns >= 0
            ? ns.ToString(CultureInfo.InvariantCulture)
            : "1000";
        string apic = e.Features.Contains("x2apic-cluster") ? "x2apic-cluster" : "x2apic";
        var y = new StringBuilder();
        y.Append(CultureInfo.InvariantCulture, $"name: {e.Id}\nseed: 1\nduration: 20ms\nwarmup: 1ms\nprofile: {profileId}\n");
        y.Append(CultureInfo.InvariantCulture, $"machine: {{ pcpus: {vcpus + 1} }}\nkvm: {{ lapic_timer_advance_ns: {advance} }}\n");
        y.Append(CultureInfo.InvariantCulture, $"features: [{string.Join(", ", features)}]\n");
        y.Append(CultureInfo.InvariantCulture, $"vms:\n  - vcpus: {vcpus}\n    pin: true\n    guest: {{ kernel: kvm-unit-tests, apic: {apic} }}\n");
        y.Append(CultureInfo.InvariantCulture, $"workload:\n  type: {workload}\n{parameters}");
        return ScenarioLoader.Parse(y.ToString(), $"<catalog entry {e.Id}>");
    }

    private static bool Off(string? v) => v is not null && (v.StartsWith("false", StringComparison.Ordinal) || v.StartsWith("off", StringComparison.Ordinal) || v == "N");

    private static ScenarioSpec TimerFlood(MeasurementEntry e, string profileId)
    {
        ScenarioSpec kut = Scenario(e, profileId, "kut-ipi", 2, "");
        string features = string.Join(", ", kut.Features.Append(FeatureCatalog.TimerFastpath).Where(f => f != FeatureCatalog.TimerFastpath || KernelAtLeast(e.Kernel, 5, 8)).Distinct());
        string yaml = $"name: {e.Id}\nseed: 1\nduration: 30ms\nwarmup: 2ms\nprofile: {profileId}\nmachine: {{ pcpus: 2 }}\n"
            + $"features: [{features}]\nvms:\n  - vcpus: 1\n    pin: true\n    guest: {{ kernel: linux, apic: x2apic, hz: 1000, idle: poll }}\n"
            + "workload:\n  type: cyclictest\n  interval_us: 50\n";
        return ScenarioLoader.Parse(yaml, $"<catalog entry {e.Id}>");
    }

    /// <summary>Whether the entry's kernel text names a release at least major.minor ("5.7-rc (kvm/queue)" counts as 5.7).</summary>
    public static bool KernelAtLeast(string? kernel, int major, int minor)
    {
        if (kernel is null || Release().Match(kernel) is not { Success: true } m)
        {
            return false;
        }

        int a = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int b = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return a > major || (a == major && b >= minor);
    }

    [GeneratedRegex(@"\b(\d)\.(\d+)")]
    private static partial Regex Release();
}
