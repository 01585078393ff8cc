using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;
using KvmLab.Scenarios.Workloads;
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

        // Each feature declares the vendor it needs (Policies/<source>/): the first listed that this host lacks.
        foreach (string id in spec.Features)
        {
            if (FeatureCatalog.Find(id)?.Needs is CpuVendor needs && needs != profile.Vendor)
            {
                return VendorProblem(id, FeatureCatalog.VendorText(needs), FeatureCatalog.HostText(profile.Vendor));
            }
        }

        if (profile.Vendor == CpuVendor.Pvm && Pvm(spec, profile) is { } pvm)
        {
            return pvm;
        }

        var enabled = spec.Features.ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < spec.Vms.Count; i++)
        {
            if (FeatureCatalog.Problem(enabled, profile.Vendor, spec.Vms[i].Guest.X2Apic) is { } p)
            {
                // A conflict the guest's APIC mode causes is the guest's; otherwise the feature list's.
                return p.BlamesGuest
                    ? new ScenarioProblem($"vms[{i}].guest.apic", p.Message)
                    : new ScenarioProblem("features", p.Message, "features/" + p.Feature);
            }
        }

        return null;
    }

    /// <summary>
    /// A PVM host (docs/PVM.md) emulates guest ring 0 instruction by instruction: a Linux guest that
    /// is not PVM-aware would spend milliseconds per interrupt, and a PVM-enabled guest kernel is
    /// not modelled yet. The event simulator's exit path is VMX/SVM's; PVM's paths are modelled
    /// where the probes exercise them (Model/Kvm/Pvm, `kvmlab validate`), so a run is refused.
    /// </summary>
    private static ScenarioProblem? Pvm(ScenarioSpec spec, CostProfile profile)
    {
        for (int i = 0; i < spec.Vms.Count; i++)
        {
            if (spec.Vms[i].Guest.Kind == Model.Guest.GuestKernelKind.Linux)
            {
                return new ScenarioProblem($"vms[{i}].guest.kernel", $"a Linux guest needs PVM mode (a PVM-enabled guest kernel); profile '{profile.Id}' is a PVM host and emulates ring 0");
            }
        }

        return new ScenarioProblem("profile", $"'{profile.Id}' is a PVM host: the event simulator models VMX/SVM exits; PVM's paths are modelled for the probes ('kvmlab validate --profile {profile.Id}', docs/PVM.md)");
    }

    private static ScenarioProblem? Workload(ScenarioSpec spec, CostProfile profile)
    {
        var used = new Dictionary<int, string>();
        foreach (WorkloadSpec w in spec.AllWorkloads)
        {
            if (w.Vm < 0 || w.Vm >= spec.Vms.Count)
            {
                return new ScenarioProblem(w.Key + ".vm", $"{w.Vm} is not a VM of the scenario (0 to {spec.Vms.Count - 1})");
            }

            // One benchmark per guest: two would share its run queues and the per-VM metrics could not say whose they are.
            if (!used.TryAdd(w.Vm, w.Key))
            {
                return new ScenarioProblem(w.Key, $"vms[{w.Vm}] already runs {used[w.Vm]} (a VM runs one workload; the scenario's workload is in workload.vm)");
            }

            if (Fits(spec, w, profile) is { } p)
            {
                return p;
            }
        }

        return null;
    }

    private static ScenarioProblem? Fits(ScenarioSpec spec, WorkloadSpec ws, CostProfile profile)
    {
        string file = spec.Source?.File ?? spec.Name;
        WorkloadDeclaration d = WorkloadFactory.Declaration(ws, file);
        VmSpec v = spec.Vms[ws.Vm];
        var vm = new VmFit($"vms[{ws.Vm}]", v.Vcpus, v.Guest.Kind == Model.Guest.GuestKernelKind.Linux);
        IWorkload w = d.Create(new WorkloadArgs(d, ws.Parameters, file, ws.Key));
        return d.FitsVm(w, vm, profile) is { } p
            ? new ScenarioProblem(p.Key == "vcpus" ? $"{vm.Name}.vcpus" : $"{ws.Key}.{p.Key}", p.Message)
            : null;
    }
}
