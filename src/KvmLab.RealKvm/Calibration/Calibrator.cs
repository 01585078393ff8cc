using System.Reflection;
using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.RealKvm.Probes;

using KvmLab.Model.Hardware.ProfileFiles;

namespace KvmLab.RealKvm.Calibration;

/// <summary>
/// Turns a probe run into a cost profile. Only fields a probe actually informs are replaced; all
/// others keep the base profile's value and say so. The mapping, field by field:
/// <list type="bullet">
/// <item>TscGhz: KVM_GET_TSC_KHZ.</item>
/// <item>VmExit, VmEntry, ExitHostIrqEnable, ExitHandlerDispatch, EnterGuestLoop: their sum is the
/// round trip of the cheapest in-kernel exit from natively running guest code (min of the medians of
/// exits/mmio-ioeventfd-cpl3 and exits/cpuid-cpl3, each only if KVM's exit counter confirms it exited); the sum is measured, the split between the five
/// keeps the base profile's proportions (an assumption, recorded in each field's note).</item>
/// <item>ThreadWakeup: lateness with halt polling off minus with a 1 ms window
/// (timer/halt-poll-0us - timer/halt-poll-1000us), only when the A/B test finds a difference beyond noise.</item>
/// </list>
/// </summary>
public static class Calibrator
{
    private static readonly string[] ExitProbes = ["exits/mmio-ioeventfd-cpl3", "exits/cpuid-cpl3"];

    public static readonly string[] ExitPathFields = ["VmExit", "VmEntry", "ExitHostIrqEnable", "ExitHandlerDispatch", "EnterGuestLoop"];

    public static CalibratedProfile Calibrate(IReadOnlyList<ProbeResult> results, long tscKhz, CostProfile baseProfile, string environment)
    {
        var measured = results.Where(r => r.Status == ProbeStatus.Measured).ToDictionary(r => $"{r.Suite}/{r.Name}");
        var values = CostProfile.SpanFields().ToDictionary(p => p.Name, p => ((SimSpan)p.GetValue(baseProfile)!).Ns * 1.0);
        var origins = values.Keys.ToDictionary(k => k, k => new FieldOrigin(k, values[k], false, null, $"inherited from {baseProfile.Id}"));

        // The exit path: scale the base split so the five parts sum to the measured round trip.
        string? exitProbe = ExitProbes
            .Where(id => measured.ContainsKey(id) && measured[id].ExitsConfirmed != false) // only real KVM exits
            .OrderBy(id => measured[id].Summary!.Median)
            .FirstOrDefault();
        if (exitProbe is not null)
        {
            double total = measured[exitProbe].Summary!.Median;
            double baseSum = ExitPathFields.Sum(f => values[f]);
            foreach (string f in ExitPathFields)
            {
                double ns = total * values[f] / baseSum;
                origins[f] = new FieldOrigin(f, ns, true, exitProbe,
                    $"median round trip {total:0} ns split in {baseProfile.Id}'s proportions ({values[f] / baseSum * 100:0}%)");
            }
        }

        if (measured.TryGetValue("timer/halt-poll-0us", out ProbeResult? noPoll) && measured.TryGetValue("timer/halt-poll-1000us", out ProbeResult? poll))
        {
            Comparison c = AbTest.Compare("poll", poll.Samples, "nopoll", noPoll.Samples);
            double diff = noPoll.Summary!.Median - poll.Summary!.Median;
            if (c.Verdict.StartsWith("nopoll slower", StringComparison.Ordinal) && diff > 0)
            {
                origins["ThreadWakeup"] = new FieldOrigin("ThreadWakeup", diff, true, "timer/halt-poll-0us - timer/halt-poll-1000us", $"sleep-and-wake minus polling, medians; {c.Verdict}");
            }
            else
            {
                origins["ThreadWakeup"] = origins["ThreadWakeup"] with { Note = $"inherited from {baseProfile.Id}: halt polling 0 vs 1 ms showed no difference beyond noise ({c.Verdict})" };
            }
        }

        CostProfile p = baseProfile with
        {
            Id = "measured-here",
            Summary = $"Measured by kvmlab calibrate on this host ({environment})",
            Citation = $"kvmlab probe run; fields not measured inherit {baseProfile.Id}",
            TscGhz = tscKhz / 1e6,
        };
        foreach (PropertyInfo prop in CostProfile.SpanFields())
        {
            // Safe use of reflection: init-only setters on a fresh copy made by 'with' above.
            prop.SetValue(p, SimSpan.FromNanoseconds(origins[prop.Name].Ns));
        }

        var fields = new List<FieldOrigin> { new("TscGhz", tscKhz / 1e6, true, "KVM_GET_TSC_KHZ", "GHz, not ns") };
        fields.AddRange(CostProfile.SpanFields().Select(f => origins[f.Name]));
        return new CalibratedProfile
        {
            Profile = p,
            BaseProfile = baseProfile.Id,
            Fields = fields,
            Measurements = measured.ToDictionary(kv => kv.Key, kv => kv.Value.Summary!.Median),
            Environment = environment,
        };
    }
}
