using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Policies;
using KvmLab.Scenarios;

namespace KvmLab.Experiments.Catalog;

/// <summary>
/// The scenario both IPI-fastpath experiments vary: one pinned VM on a Skylake-SP host with
/// APICv, halt polling and HLT exits, with the ICR fastpath on or off — the only difference.
/// </summary>
internal static class FastpathVariants
{
    public static ScenarioSpec Scenario(string name, bool fastpath, int vcpus, GuestKernelKind kernel, WorkloadSpec workload) => new()
    {
        Name = name + (fastpath ? "-fastpath" : "-full-path"),
        Duration = SimSpan.FromMilliseconds(20),
        Warmup = SimSpan.FromMilliseconds(1),
        Machine = new MachineSpec { Pcpus = 4 },
        Profile = "skylake-sp-2020",
        Features = fastpath
            ? [FeatureCatalog.IpiFastpath, FeatureCatalog.ApicV, FeatureCatalog.HaltPolling, FeatureCatalog.HltExits]
            : [FeatureCatalog.ApicV, FeatureCatalog.HaltPolling, FeatureCatalog.HltExits],
        Vms = [new VmSpec { Vcpus = vcpus, Pin = true, Guest = new GuestConfig { Kind = kernel, X2Apic = true } }],
        Workload = workload,
    };
}
