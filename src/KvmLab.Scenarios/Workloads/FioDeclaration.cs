using KvmLab.Model.Hardware;
using KvmLab.Model.Storage;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class FioDeclaration : WorkloadDeclaration
{
    public override string Id => "fio";

    public override string Summary => FioParameters.Description;

    public override string Citation => "fio (axboe/fio) job options; the storage configurations of Hajnoczi 2020 (seed nvme-10us-challenge-hajnoczi.md)";

    /// <summary>fio's keys are read together (a named configuration, then single overrides): FioParameters checks each with its line.</summary>
    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
        [.. FioParameters.Names.Select(n => WorkloadParameter.Custom(n, "see the README's fio section"))];

    public override IWorkload Create(WorkloadArgs args) => FioParameters.Create(args.Given, args.File);

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile)
    {
        if (workload is not FioWorkload { DeviceLatency: { } e2e })
        {
            return null;
        }

        var hostPath = NvmeDevices.HostPathInPublishedLatency(StorageCostProfiles.For(profile), profile);
        return e2e <= hostPath
            ? new WorkloadProblem("device_latency", $"{ValueText.Format(e2e)} is not longer than the host software path it includes ({hostPath.Ns} ns on profile '{profile.Id}')")
            : null;
    }
}
