using KvmLab.Model.Guest;
using KvmLab.Scenarios;

namespace KvmLab.Experiments.Catalog;

/// <summary>
/// Li 2020: the IPI benchmark (unicast, sender waits) in a Linux guest, "30 percent latency
/// reduce" with the IPI fastpath.
/// </summary>
public static class IpiFastpathBench
{
    public const string Id = "ipi-fastpath-bench";

    public static Experiment Create()
    {
        ScenarioSpec Scenario(bool fastpath) =>
            FastpathVariants.Scenario("ipi-bench", fastpath, 4, GuestKernelKind.Linux, new WorkloadSpec
            {
                Type = "ipi-bench",
                Parameters = new Dictionary<string, ScalarValue> { ["mode"] = new("unicast", 0) },
            });

        return new Experiment
        {
            Id = Id,
            Title = "IPI fastpath: IPI microbenchmark, unicast with wait",
            Source = "kvm-latency-tuning-wanpeng-li.md (KVM Forum 2020): \"we can observe 30 percent latency reduce for api benchmark\"",
            Setup = "Skylake-SP, 4-vCPU Linux guest pinned, x2APIC physical mode, no PV IPI, APICv, adaptive halt polling; "
                + "smp_call_function_single(cpu 1, handle_ipi, wait=1) in a loop from vCPU 0; the target idles in HLT",
            Metric = "latency_mean",
            Unit = "us",
            Variants =
            [
                new Variant("full exit path", Scenario(false)),
                new Variant("ICR fastpath", Scenario(true)),
            ],
            PublishedChangePercent = -30,
            Citation = "Li 2020 KVM Forum talk (seed kvm-latency-tuning-wanpeng-li.md)",
            Tolerance = 8,
            Calibration = false,
            Notes = "The talk gives neither the VM size nor the guest's APIC mode; chosen: 4 vCPUs, x2APIC physical mode "
                + "(cluster mode sends logical-destination IPIs, which never take the fastpath) and PV IPI off (a hypercall "
                + "is not an ICR write). The metric is the mean time of one smp_call_function_single with wait.",
            WhatWouldItTake = "(kvmlab sensitivity, 3 Dec 2026) No cost moves the change (every field 0.0 points per 10%): the sender's "
                + "next IPI arrives while the target is still in its own HLT exit, so the round trip is the target's and "
                + "the fastpath removes none of it. It would take a target that is still halted when the IPI arrives (a "
                + "cheaper guest idle path, or NOHZ timer reprogramming around idle, neither in the sources): a mechanism "
                + "or a setup, not a cost.",
        };
    }
}
