using System.Globalization;
using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;

namespace KvmLab.Calibration.Pvm;

/// <summary>
/// `kvmlab calibrate` on a PVM host (docs/PVM.md 4.4): the VMX exit split means nothing here, so
/// the probes that isolate one PVM switch set its field directly (recorded as fitted from that
/// probe, so a validation refits it with leave-one-out), and every other field keeps
/// pvm-here's value (the instruction classes come from the microbenchmark, never from a probe; the
/// costs only a fit gives are left to `kvmlab fit` / `validate`, which refit them with leave-one-out):
/// <list type="bullet">
/// <item>Pvm.NativeExit &lt;- exits/mmio-ioeventfd-cpl3 (native MMIO fault, in-kernel device, back).</item>
/// <item>Pvm.L0Exit &lt;- exits/cpuid-cpl3 (intercepted by L0; KVM counts no exit).</item>
/// <item>Pvm.UserExit &lt;- exits/mmio-user-cpl0 - (EmulatedStore - EmulatedAlu).</item>
/// <item>Pvm.UserExitNativeReload &lt;- exits/mmio-user-cpl3 - NativeExit - UserExit.</item>
/// </list>
/// </summary>
public static class PvmCalibration
{
    public static CalibratedProfile Calibrate(ProbeRunFile run, CostProfile baseProfile)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(baseProfile);
        if (baseProfile.Vendor != CpuVendor.Pvm)
        {
            throw new ArgumentException($"profile '{baseProfile.Id}' is not a PVM profile", nameof(baseProfile));
        }

        IReadOnlyDictionary<string, double> m = run.Medians();
        var set = new Dictionary<string, (double Ns, string Probe, string Note)>(StringComparer.Ordinal);
        PvmCosts c = baseProfile.Pvm;
        double? Get(string probe) => m.TryGetValue(probe, out double v) && v > 0 ? v : null;
        if (Get("exits/mmio-ioeventfd-cpl3") is double nat)
        {
            set["Pvm.NativeExit"] = (nat, "exits/mmio-ioeventfd-cpl3", "median");
        }

        if (Get("exits/cpuid-cpl3") is double l0)
        {
            set["Pvm.L0Exit"] = (l0, "exits/cpuid-cpl3", "median (CPUID intercepted by L0)");
        }

        if (Get("exits/mmio-user-cpl0") is double u0 && u0 - (c.EmulatedStore.Ns - c.EmulatedAlu.Ns) > 0)
        {
            set["Pvm.UserExit"] = (u0 - (c.EmulatedStore.Ns - c.EmulatedAlu.Ns), "exits/mmio-user-cpl0", "median less the emulated store over its NOP baseline (EmulatedStore - EmulatedAlu)");
        }

        double native = set.TryGetValue("Pvm.NativeExit", out var n) ? n.Ns : c.NativeExit.Ns;
        double user = set.TryGetValue("Pvm.UserExit", out var u) ? u.Ns : c.UserExit.Ns;
        if (Get("exits/mmio-user-cpl3") is double u3 && u3 - native - user > 0)
        {
            set["Pvm.UserExitNativeReload"] = (u3 - native - user, "exits/mmio-user-cpl3", "median less NativeExit and UserExit");
        }

        CostProfile p = baseProfile with
        {
            Id = "measured-here",
            Summary = $"Measured by kvmlab calibrate on this PVM host ({run.Host.Flavour}, {run.Host.Cpu}, kernel {run.Host.Kernel})",
            Citation = $"kvmlab probe run {run.File}; fields not measured keep {baseProfile.Id}'s",
            TscGhz = run.Host.TscKhz / 1e6,
        };
        var fields = new List<FieldOrigin> { new("TscGhz", p.TscGhz, true, "KVM_GET_TSC_KHZ", "GHz, not ns") };
        // A measurement of another machine is an estimate here: when the run's host is not the base
        // profile's (a different TSC rate: the development VM moved from an AMD EPYC at 2.596 GHz to
        // an Intel Xeon at 2.000 GHz between 2 and 3 December 2026), the base's measured fields are
        // freed, so validate's refit can move them and its leave-one-out says how well.
        bool otherHost = Math.Abs(p.TscGhz - baseProfile.TscGhz) > 0.005 * baseProfile.TscGhz;
        var sources = new Dictionary<string, FieldSource>(baseProfile.Sources);
        foreach (CostField f in CostFields.All)
        {
            if (set.TryGetValue(f.Name, out var v))
            {
                p = f.With(p, SimSpan.FromNanoseconds(v.Ns));
                // "fitted", not "measured": a one-to-one reading of a probe the validation also
                // scores, so validate's refit frees it and its leave-one-out error stays honest.
                fields.Add(new FieldOrigin(f.Name, v.Ns, false, v.Probe, v.Note) { Source = "fitted" });
                sources[f.Name] = FieldSource.Fitted($"{v.Probe}: {v.Note}");
            }
            else
            {
                FieldSource s = baseProfile.SourceOf(f.Name);
                double ns = f.Get(baseProfile).Ns;
                string note = ns == 0 ? "a VMX/SVM path: not on a PVM host" : $"{baseProfile.Id}: {s.Label}, {s.Detail}";
                string label = ns == 0 ? "inherited" : s.Label;
                if (otherHost && ns > 0 && s.Kind == SourceKind.Measured)
                {
                    note = string.Create(CultureInfo.InvariantCulture,
                        $"measured on {baseProfile.Id}'s host ({baseProfile.TscGhz:0.###} GHz TSC: {s.Detail}), not on this one ({p.TscGhz:0.###} GHz): an estimate here");
                    label = "estimate";
                    sources[f.Name] = FieldSource.Estimate(note);
                }

                fields.Add(new FieldOrigin(f.Name, ns, false, null, note) { Source = label });
            }
        }

        return new CalibratedProfile
        {
            Profile = p with { Sources = sources },
            BaseProfile = baseProfile.Id,
            Fields = fields,
            Measurements = m,
            Environment = $"{run.Host.Flavour}, {run.Host.Cpu}, kernel {run.Host.Kernel}",
        };
    }
}
