using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios.Workloads;

public sealed class MemcachedDeclaration : WorkloadDeclaration
{
    public override string Id => "memcached";

    public override string Summary => "memcached with a memtier_benchmark-like closed-loop client (ops/s, latency percentiles)";

    public override string Citation => "memcached -t; memtier_benchmark defaults (4 threads x 50 clients, --ratio 1:10)";

    public override IReadOnlyList<WorkloadParameter> Parameters { get; } =
    [
        WorkloadParameter.Integer("threads", 4, 1, ScenarioLimits.MaxVcpusPerVm, "memcached worker threads (-t)", "at most one per vCPU"),
        WorkloadParameter.Integer("connections", 200, 1, ScenarioLimits.MaxCount, "client connections (memtier threads x clients)"),
        WorkloadParameter.Custom("set_ratio", "SETS:GETS as memtier's --ratio (default 1:10)"),
        WorkloadParameter.Microseconds("network_us", 13, 0, "client to the host's tap one way: wire, NIC, bridge (vhost-net's work is modeled on top)"),
    ];

    public override IWorkload Create(WorkloadArgs args)
    {
        double setShare = 1.0 / 11.0;
        if (args.Given.TryGetValue("set_ratio", out ScalarValue? ratio))
        {
            string[] parts = ratio.Items is null ? ratio.Text.Split(':') : [];
            if (parts.Length != 2
                || ValueText.Integer(parts[0], 0, ScenarioLimits.MaxCount, out long sets) is not null
                || ValueText.Integer(parts[1], 0, ScenarioLimits.MaxCount, out long gets) is not null
                || sets + gets == 0)
            {
                throw args.Error("set_ratio", $"'{ratio.Text}' must be SETS:GETS as memtier's --ratio, whole numbers from 0 to {ScenarioLimits.MaxCount}, for example 1:10");
            }

            setShare = sets / (double)(sets + gets);
        }

        return new MemcachedWorkload
        {
            Threads = args.Int("threads"),
            Connections = args.Int("connections"),
            SetShare = setShare,
            WireOneWay = args.Microseconds("network_us"),
        };
    }

    public override WorkloadProblem? FitsVm(IWorkload workload, VmFit vm, CostProfile profile) =>
        workload is MemcachedWorkload m && m.Threads > vm.Vcpus
            ? new WorkloadProblem("threads", $"{m.Threads} worker threads, at most one per vCPU, but {OfVm(vm)}")
            : null;

    public override IEnumerable<MemoryPart> Memory(IWorkload workload, int vcpus) =>
        [new("connections", ((MemcachedWorkload)workload).Connections, MemoryEstimate.PerConnection, "connections")];
}
