using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

/// <summary>
/// Everything the scenario layer knows of one workload, in one place (issue 12): its id, one-line
/// summary and citation (`kvmlab list`), its parameters with their bounds (the loader), how to
/// build it, whether it fits its VM, and what it costs in memory. Adding a workload is its model
/// file under src/KvmLab.Model/Workloads and one declaration here; <see cref="WorkloadRegistry"/>
/// finds every declaration in this assembly.
/// </summary>
public abstract class WorkloadDeclaration
{
    public abstract string Id { get; }

    public abstract string Summary { get; }

    /// <summary>The tool or paper the workload follows.</summary>
    public abstract string Citation { get; }

    public abstract IReadOnlyList<WorkloadParameter> Parameters { get; }

    /// <summary>Builds the workload; a custom parameter's problem is thrown here with its line.</summary>
    public abstract IWorkload Create(WorkloadArgs args);

    /// <summary>
    /// Whether the workload fits <paramref name="vm"/> on <paramref name="profile"/>; the key is a
    /// parameter's name ("threads"), or "vcpus" for the VM's own count.
    /// </summary>
    public virtual WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile) => null;

    /// <summary>The parts of the run's memory that this workload counts (MemoryEstimate adds the machine's).</summary>
    public virtual IEnumerable<MemoryPart> Memory(IWorkload workload, int vcpus) => [];

    /// <summary>"vms[0] has 2 vCPUs", for "vCPU 7 is not in the VM: vms[0] has 2 vCPUs (0 to 1)" and its friends.</summary>
    protected static string OfVm(VmFit vm) => $"{vm.Name} has {vm.Vcpus} vCPU{(vm.Vcpus == 1 ? "" : "s")}";
}

/// <summary>The VM a workload runs in, as the fit check sees it: its key in the scenario ("vms[0]") and its vCPUs.</summary>
public sealed record VmFit(string Name, int Vcpus, bool LinuxGuest = true);

/// <summary>A problem with a workload's fit: the key it is about (a parameter, or "vcpus") and why.</summary>
public sealed record WorkloadProblem(string Key, string Message);

/// <summary>One counted part of a run's memory: the key that sets the count, the count, bytes each, and what is counted.</summary>
public sealed record MemoryPart(string Key, long Count, long EachBytes, string What);
