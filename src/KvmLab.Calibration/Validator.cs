using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.Scenarios;

namespace KvmLab.Calibration;

/// <summary>
/// Runs the simulator with a calibrated profile on scenarios shaped like the probes and lines
/// its predictions up with the probe medians. The scenarios mirror the IPI probe: 2 vCPUs pinned
/// on a 2-CPU host, kvm-unit-tests guest (the receiver idles in HLT, the sender waits for the
/// acknowledgement), x2APIC or xAPIC; features are the ones this KVM has without APICv
/// (halt polling, HLT exits). PVM has no APICv and no VMX fastpath, so neither is switched on.
/// </summary>
public static class Validator
{
    public static IReadOnlyList<ValidationCase> Cases { get; } =
    [
        new("IPI round trip, x2APIC, receiver halted", "ipi/x2apic-msr-cpl0-halted", true),
        new("IPI round trip, xAPIC, receiver halted", "ipi/xapic-mmio-cpl0-halted", false),
    ];

    public static ScenarioSpec ScenarioFor(ValidationCase c) => ScenarioLoader.Parse($"""
        name: validate-{(c.X2Apic ? "x2apic" : "xapic")}-halted
        description: kvm-unit-tests style IPI round trip mirroring the {c.Probe} probe
        seed: 7
        duration: 10ms
        warmup: 1ms
        machine:
          pcpus: 2
        features: [halt-polling, hlt-exits]
        vms:
          - vcpus: 2
            pin: true
            guest:
              kernel: kvm-unit-tests
              apic: {(c.X2Apic ? "x2apic" : "xapic")}
        workload:
          type: kut-ipi
        """, $"<validate {c.Name}>");

    public static List<ValidationRow> Validate(CalibratedProfile profile, IReadOnlyDictionary<string, double> measured)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Validate(profile.Profile, measured);
    }

    /// <summary>The VMX/SVM cases on <paramref name="profile"/> (a PVM profile is validated by Pvm.PvmValidator instead).</summary>
    public static List<ValidationRow> Validate(KvmLab.Model.Hardware.CostProfile profile, IReadOnlyDictionary<string, double> measured)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var rows = new List<ValidationRow>();
        foreach (ValidationCase c in Cases)
        {
            RunResult r = ScenarioRunner.Run(ScenarioFor(c), profileOverride: profile);
            double predictedNs = r.Metrics.First(m => m.Name == "ipi_round_p50").Value * 1000;
            rows.Add(new ValidationRow(c.Name, c.Probe, predictedNs, measured.TryGetValue(c.Probe, out double m) ? m : null));
        }

        return rows;
    }
}
