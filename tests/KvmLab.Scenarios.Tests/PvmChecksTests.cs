namespace KvmLab.Scenarios.Tests;

/// <summary>
/// The PVM profile at load time: the features that need VMX or SVM (APICv and its posted
/// interrupts, AVIC, the VMX preemption timer, ByteDance's passthrough designs) are refused by their
/// FeatureInfo.Needs with file:line:key, a Linux guest is refused (it needs PVM mode), and a run on
/// the event simulator is refused with where PVM is modelled instead.
/// </summary>
public class PvmChecksTests
{
    private const string File = "p.yaml";

    private static string Yaml(string features, string kernel = "kvm-unit-tests", string apic = "x2apic") => $"""
        name: p
        duration: 2ms
        warmup: 0ms
        profile: pvm-here
        machine: {"{ pcpus: 2 }"}
        features: {features}
        vms:
          - vcpus: 2
            guest:
              kernel: {kernel}
              apic: {apic}
        workload:
          type: kut-ipi
        """;

    private static ScenarioException Fails(string yaml) => Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, File));

    [Theory]
    [InlineData("apicv", "Intel VMX")]
    [InlineData("preemption-timer", "Intel VMX")]
    [InlineData("avic", "an AMD host")]
    public void VmxOrSvmFeature_IsRefused_AtTheFeaturesLine(string feature, string needs)
    {
        ScenarioException e = Fails(Yaml($"[{feature}, halt-polling]", apic: feature == "avic" ? "xapic" : "x2apic"));
        Assert.Equal(File, e.File);
        Assert.Equal(6, e.Line);
        Assert.Equal("features", e.Key);
        Assert.Contains($"feature '{feature}' needs {needs} but profile 'pvm-here' is a PVM host", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultApicv_IsRefused_AtTheProfileLine()
    {
        ScenarioException e = Fails(Yaml("[halt-polling]").Replace("features: [halt-polling]\n", "", StringComparison.Ordinal));
        Assert.Equal(4, e.Line);
        Assert.Equal("profile", e.Key);
        Assert.Contains("is on by default", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinuxGuest_IsRefused_AtItsKernelLine()
    {
        ScenarioException e = Fails(Yaml("[halt-polling, hlt-exits]", kernel: "linux"));
        Assert.Equal(10, e.Line);
        Assert.Equal("vms[0].guest.kernel", e.Key);
        Assert.Contains("a Linux guest needs PVM mode", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EventSimulatorRun_IsRefused_PointingAtValidate()
    {
        ScenarioException e = Fails(Yaml("[halt-polling, hlt-exits]"));
        Assert.Equal("profile", e.Key);
        Assert.Contains("kvmlab validate", e.Message, StringComparison.Ordinal);
    }
}
