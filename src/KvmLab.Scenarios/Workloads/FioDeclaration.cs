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
        [.. FioParameters.Names.Select(n => WorkloadParameter.Custom(n,
            Policies.Hajnoczi2020.StorageSwitches.All.FirstOrDefault(s => s.Key == n)?.Summary ?? "fio's job option or the drive (see the README's fio section)"))];

    public override IWorkload Create(WorkloadArgs args) => FioParameters.Create(args.Given, args.File, args.Key);

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile)
    {
        var fio = (FioWorkload)workload;
        if (fio.Config.Path != StoragePath.BareMetal)
        {
            // fio runs as tasks of the guest, one job per vCPU (StorageRig).
            if (!vm.LinuxGuest)
            {
                return new WorkloadProblem("type", $"fio runs as a task of a Linux guest, but {vm.Name}.guest.kernel is not linux");
            }

            if (fio.Job.NumJobs > vm.Vcpus)
            {
                return new WorkloadProblem("numjobs", $"{fio.Job.NumJobs} jobs, one per vCPU, but {OfVm(vm)}");
            }
        }

        if (fio.DeviceLatency is not { } e2e)
        {
            return null;
        }

        var hostPath = NvmeDevices.HostPathInPublishedLatency(profile);
        return e2e <= hostPath
            ? new WorkloadProblem("device_latency", $"{ValueText.Format(e2e)} is not longer than the host software path it includes ({hostPath.Ns} ns on profile '{profile.Id}')")
            : null;
    }
}
