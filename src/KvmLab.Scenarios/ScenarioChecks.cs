using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;
using KvmLab.Model.Storage;
using KvmLab.Model.Workloads;
using KvmLab.Policies;

namespace KvmLab.Scenarios;

/// <summary>
/// The checks that need the whole scenario rather than one value: features the platform cannot
/// have, and a workload that does not fit its VM. The loader runs them (so the error names the
/// file, line and key), and <see cref="ScenarioRunner"/> runs them again for specs built in code
/// and for a cost profile given on the command line. The model's own install-time checks stay
/// as a last line of defence; none of them should be reachable from a loaded scenario.
/// </summary>
public static class ScenarioChecks
{
    /// <summary>Features that exist only on Intel VMX hosts (apicv, the VMX preemption timer, ByteDance's two designs built on them).</summary>
    public static IReadOnlyList<string> IntelOnly { get; } =
        [FeatureCatalog.ApicV, FeatureCatalog.PreemptionTimer, FeatureCatalog.ExitlessPvIpi, FeatureCatalog.PassthroughTimer];

    /// <summary>Features that exist only on AMD SVM hosts.</summary>
    public static IReadOnlyList<string> AmdOnly { get; } = [FeatureCatalog.Avic];

    /// <summary>The first problem, or null when the scenario can run on <paramref name="profile"/>.</summary>
    public static ScenarioProblem? Find(ScenarioSpec spec, CostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(profile);
        return Platform(spec, profile) ?? Workload(spec, profile);
    }

    private static ScenarioProblem? Platform(ScenarioSpec spec, CostProfile profile)
    {
        bool listed = spec.Source is null || spec.Source.Lines.ContainsKey("features");
        string profileText = spec.Source is not null && !spec.Source.Lines.ContainsKey("profile") && profile.Id == spec.Profile
            ? $"the default profile '{profile.Id}'"
            : $"profile '{profile.Id}'";
        ScenarioProblem VendorProblem(string feature, string needs, string vendor)
        {
            string problem = $"feature '{feature}' needs {needs} but {profileText} is {vendor}";
            return listed
                ? new ScenarioProblem("features", problem, "features/" + feature)
                : new ScenarioProblem("profile", problem + $" ('{feature}' is on by default: list the features without it)");
        }

        bool amd = profile.Vendor == CpuVendor.Amd;
        if (spec.Features.FirstOrDefault((amd ? IntelOnly : AmdOnly).Contains) is string wrong)
        {
            return amd ? VendorProblem(wrong, "Intel VMX", "an AMD host") : VendorProblem(wrong, "an AMD host", "Intel");
        }

        KvmConfig config = FeatureCatalog.ConfigFor(spec.Features.ToHashSet(StringComparer.Ordinal));
        for (int i = 0; i < spec.Vms.Count; i++)
        {
            bool x2apic = spec.Vms[i].Guest.X2Apic;
            if (config.Conflict(x2apic) is not { } problem)
            {
                continue;
            }

            // A conflict that the other APIC mode would not have is the guest's; otherwise the feature list's.
            return config.Conflict(!x2apic) == problem
                ? new ScenarioProblem("features", problem)
                : new ScenarioProblem($"vms[{i}].guest.apic", problem);
        }

        return null;
    }

    private static ScenarioProblem? Workload(ScenarioSpec spec, CostProfile profile)
    {
        if (spec.Workload.Vm < 0 || spec.Workload.Vm >= spec.Vms.Count)
        {
            return new ScenarioProblem("workload.vm", $"{spec.Workload.Vm} is not a VM of the scenario (0 to {spec.Vms.Count - 1})");
        }

        int n = spec.Vms[spec.Workload.Vm].Vcpus;
        string vm = $"vms[{spec.Workload.Vm}]";
        string ofVm = $"{vm} has {n} vCPU{(n == 1 ? "" : "s")}";
        IWorkload w = WorkloadFactory.Create(spec.Workload, spec.Source?.File ?? spec.Name);
        switch (w)
        {
            case KutIpiWorkload when n < 2:
                return new ScenarioProblem($"{vm}.vcpus", $"kut-ipi needs a VM with at least 2 vCPUs; {ofVm}");
            case IpiBenchWorkload b:
                return IpiBench(b, n, vm, ofVm);
            case IpiSendWorkload s:
                if (s.SenderCpu >= n)
                {
                    return new ScenarioProblem("workload.sender", $"vCPU {s.SenderCpu} is not in the VM: {ofVm} (0 to {n - 1})");
                }

                if (s.TargetCpu >= n)
                {
                    return new ScenarioProblem("workload.target", $"vCPU {s.TargetCpu} is not in the VM: {ofVm} (0 to {n - 1})");
                }

                return s.SenderCpu == s.TargetCpu
                    ? new ScenarioProblem("workload.target", $"the target must be another vCPU than the sender ({s.SenderCpu})")
                    : null;
            case CyclictestWorkload c when c.Threads > n:
                return new ScenarioProblem("workload.threads", $"{c.Threads} measurement threads, one per vCPU, but {ofVm}");
            case MemcachedWorkload m when m.Threads > n:
                return new ScenarioProblem("workload.threads", $"{m.Threads} worker threads, at most one per vCPU, but {ofVm}");
            case HackbenchWorkload h when (long)h.Groups * h.Fds * 2 > int.MaxValue:
                return new ScenarioProblem("workload.groups", $"{h.Groups} groups x {h.Fds} fds x 2 = {(long)h.Groups * h.Fds * 2} tasks is more than {int.MaxValue}");
            case HackbenchWorkload h when (long)h.Fds * h.Loops > int.MaxValue:
                return new ScenarioProblem("workload.loops", $"{h.Fds} fds x {h.Loops} loops = {(long)h.Fds * h.Loops} messages per receiver is more than {int.MaxValue}");
            case FioWorkload f when f.DeviceLatency is { } e2e:
                var hostPath = NvmeDevices.HostPathInPublishedLatency(StorageCostProfiles.For(profile), profile);
                return e2e <= hostPath
                    ? new ScenarioProblem("workload.device_latency",
                        $"{ValueText.Format(e2e)} is not longer than the host software path it includes ({hostPath.Ns} ns on profile '{profile.Id}')")
                    : null;
            default:
                return null;
        }
    }

    private static ScenarioProblem? IpiBench(IpiBenchWorkload b, int n, string vm, string ofVm)
    {
        if (n < 2)
        {
            return new ScenarioProblem($"{vm}.vcpus", $"ipi-bench needs a VM with at least 2 vCPUs; {ofVm}");
        }

        if (b.SenderCpu >= n)
        {
            return new ScenarioProblem("workload.sender", $"vCPU {b.SenderCpu} is not in the VM: {ofVm} (0 to {n - 1})");
        }

        if (b.Targets is not { } targets)
        {
            return null;
        }

        if (b.Mode != IpiBenchMode.Multicast)
        {
            string who = b.Mode == IpiBenchMode.Unicast ? "unicast sends to vCPU " + (b.SenderCpu == 0 ? 1 : 0) : "broadcast sends to every other vCPU";
            return new ScenarioProblem("workload.targets", $"targets are read in multicast mode only ({who}); set 'mode: multicast' or remove them");
        }

        if (targets.Count == 0)
        {
            return new ScenarioProblem("workload.targets", "a multicast needs at least one target");
        }

        var seen = new HashSet<int>();
        foreach (int t in targets)
        {
            if (t >= n)
            {
                return new ScenarioProblem("workload.targets", $"vCPU {t} is not in the VM: {ofVm} (0 to {n - 1})");
            }

            if (t == b.SenderCpu)
            {
                return new ScenarioProblem("workload.targets", $"vCPU {t} is the sender; list the other vCPUs");
            }

            if (!seen.Add(t))
            {
                return new ScenarioProblem("workload.targets", $"vCPU {t} is listed twice");
            }
        }

        return null;
    }
}
