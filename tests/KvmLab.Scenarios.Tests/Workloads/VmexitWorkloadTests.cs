using KvmLab.Model.Hardware;
using KvmLab.Model.Workloads;
using KvmLab.Scenarios;

namespace KvmLab.Scenarios.Tests.Workloads;

/// <summary>
/// vmexit.flat in the model (kvm-unit-tests x86/vmexit.c): every test runs and prints cycles,
/// vmcall is exactly the hypercall exit's charges, and the orderings the exit paths imply hold.
/// Short GOALs keep the runs small; the loop is deterministic so a round of 2^20 cycles gives the
/// same per-iteration cost as 2^30 would, up to the rare host tick.
/// </summary>
public class VmexitWorkloadTests
{
    private static RunResult Run(string test, string extra = "", int vcpus = 2, string features = "[ipi-fastpath, apicv, halt-polling, hlt-exits, preemption-timer]") =>
        ScenarioRunner.Run(ScenarioLoader.Parse($"""
            name: vmexit-{test}
            seed: 7
            duration: 200ms
            profile: skylake-sp-2020
            machine:
              pcpus: 4
            features: {features}
            vms:
              - vcpus: {vcpus}
                pin: true
                guest:
                  kernel: kvm-unit-tests
                  apic: x2apic
            workload:
              type: vmexit
              test: {test}
              goal_cycles: 4194304
            {extra}
            """));

    public static TheoryData<string> Tests() => [.. VmexitTests.ByName.Keys];

    [Theory]
    [MemberData(nameof(Tests))]
    public void EveryTest_RunsAndPrintsCycles(string test)
    {
        RunResult r = Run(test, test.StartsWith("pci", StringComparison.Ordinal) ? "  device: datamatch-eventfd" : "");

        Assert.Equal("cycles", r.PrimaryMetric);
        Assert.True(r.Metric("cycles") > 0, $"{test}: {r.Metric("cycles")} cycles");
        Assert.Equal(1, r.Metric("goal_reached"));
    }

    [Fact]
    public void Vmcall_IsTheHypercallExitsRoundTrip()
    {
        // VM exit, IRQ enable, dispatch, kvm_emulate_hypercall, the run loop, VM entry, plus the loop's own pass.
        CostProfile c = Profiles.Find("skylake-sp-2020")!; // what the scenario runs on: the fitted profile
        var w = new VmexitWorkload();
        double ns = (c.VmExit + c.ExitHostIrqEnable + c.ExitHandlerDispatch + c.HypercallHandler + c.EnterGuestLoop + c.VmEntry + w.LoopOverhead).Ns;

        Assert.Equal(Math.Floor(ns * c.TscGhz), Run("vmcall", vcpus: 1).Metric("cycles"), 0);
    }

    [Fact]
    public void IpiHalt_CostsMoreThanIpi() =>
        Assert.True(Run("ipi_halt").Metric("cycles") > Run("ipi").Metric("cycles"));

    [Fact]
    public void InlFromQemu_CostsMoreThanInlFromKernel() =>
        Assert.True(Run("inl_from_qemu", vcpus: 1).Metric("cycles") > Run("inl_from_kernel", vcpus: 1).Metric("cycles"));

    [Theory]
    [InlineData("pci-mem")]
    [InlineData("pci-io")]
    public void PciTestdev_WithAnIoeventfd_CostsLessThanWithout(string test) =>
        Assert.True(Run(test, "  device: wildcard-eventfd", vcpus: 1).Metric("cycles") < Run(test, "  device: no-eventfd", vcpus: 1).Metric("cycles"));

    [Fact]
    public void MovToCr8_WithoutTheTprShadow_Exits()
    {
        RunResult shadow = Run("mov_to_cr8", vcpus: 1);
        RunResult exits = Run("mov_to_cr8", "  tpr_shadow: off", vcpus: 1);

        Assert.True(exits.Metric("cycles") > 10 * shadow.Metric("cycles"));
        Assert.True(exits.Metric("exits_per_s.CrAccess") > 0);
    }

    [Fact]
    public void SelfIpiStiNop_WithoutApicv_TakesAnInterruptWindowExit()
    {
        RunResult r = Run("self_ipi_sti_nop", vcpus: 1, features: "[halt-polling, hlt-exits]");

        Assert.True(r.Metric("exits_per_s.InterruptWindow") > 0);
        Assert.True(r.Metric("cycles") > Run("self_ipi_sti_nop", vcpus: 1).Metric("cycles"));
    }

    [Fact]
    public void Tscdeadline_WaitsForItsTimer_LongerThanTheImmediateOne() =>
        Assert.True(Run("tscdeadline", vcpus: 1).Metric("cycles") > Run("tscdeadline_immed", vcpus: 1).Metric("cycles"));

    [Fact]
    public void Ipi_OnOneVcpu_IsRefusedAtLoad()
    {
        var x = Assert.Throws<ScenarioException>(() => Run("ipi", vcpus: 1));
        Assert.Contains("2 vCPUs", x.Message, StringComparison.Ordinal);
    }
}
