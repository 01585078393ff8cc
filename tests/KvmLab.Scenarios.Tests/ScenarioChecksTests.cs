using KvmLab.Model.Hardware;

namespace KvmLab.Scenarios.Tests;

/// <summary>The whole-scenario checks: each refused at load with file:line: key, and again by the runner for specs built in code.</summary>
public class ScenarioChecksTests
{
    private const string File = "c.yaml";

    private static string Yaml(string profile = "skylake-sp-2020", string features = "[ipi-fastpath, apicv, halt-polling, hlt-exits]", int vcpus = 2,
        string apic = "x2apic", string workload = "  type: kut-ipi") => $"""
        name: c
        duration: 2ms
        warmup: 0ms
        profile: {profile}
        machine: {"{ pcpus: 4 }"}
        features: {features}
        vms:
          - vcpus: {vcpus}
            guest:
              kernel: linux
              apic: {apic}
        workload:
        {workload}
        """;

    private static ScenarioException Fails(string yaml) => Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, File));

    private static void AssertAt(ScenarioException e, int line, string key, string problem)
    {
        Assert.Equal(File, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AvicOnIntel_NamesTheFeaturesLine()
    {
        AssertAt(Fails(Yaml(features: "[avic, hlt-exits]", apic: "xapic")), 6, "features", "feature 'avic' needs an AMD host but profile 'skylake-sp-2020' is Intel");
    }

    [Fact]
    public void ApicvOnAmd_ListedFeature_NamesTheFeaturesLine()
    {
        AssertAt(Fails(Yaml(profile: "amd-rome-2020")), 6, "features", "feature 'apicv' needs Intel VMX but profile 'amd-rome-2020' is an AMD host");
    }

    [Fact]
    public void ApicvOnAmd_ByDefault_NamesTheProfileLineAndSaysItIsADefault()
    {
        string yaml = Yaml(profile: "amd-rome-2020").Replace("features: [ipi-fastpath, apicv, halt-polling, hlt-exits]\n", "", StringComparison.Ordinal);
        AssertAt(Fails(yaml), 4, "profile", "is on by default");
    }

    [Fact]
    public void AvicWithAnX2ApicGuest_NamesTheGuestsApicLine()
    {
        AssertAt(Fails(Yaml(profile: "amd-rome-2020", features: "[avic, hlt-exits]")), 11, "vms[0].guest.apic", "xAPIC guests only");
    }

    [Fact]
    public void ExitlessPvIpiWithoutApicv_IsTheFeatureListsProblem()
    {
        AssertAt(Fails(Yaml(features: "[exitless-pv-ipi, hlt-exits]")), 6, "features", "needs apicv");
    }

    [Fact]
    public void ExitlessPvIpiWithAnXapicGuest_IsTheGuestsProblem()
    {
        AssertAt(Fails(Yaml(features: "[exitless-pv-ipi, apicv, hlt-exits]", apic: "xapic")), 11, "vms[0].guest.apic", "needs an x2APIC guest");
    }

    [Fact]
    public void KutIpiOnOneVcpu_NamesTheVcpusLine()
    {
        AssertAt(Fails(Yaml(vcpus: 1)), 8, "vms[0].vcpus", "kut-ipi needs a VM with at least 2 vCPUs; vms[0] has 1 vCPU");
    }

    [Theory]
    [InlineData("  type: ipi-bench\n  targets: [5, 7]", "workload.targets", "targets are read in multicast mode only")]
    [InlineData("  type: ipi-bench\n  mode: multicast\n  targets: [5, 7]", "workload.targets", "vCPU 5 is not in the VM: vms[0] has 2 vCPUs (0 to 1)")]
    [InlineData("  type: ipi-bench\n  mode: multicast\n  targets: [0, 1]", "workload.targets", "vCPU 0 is the sender")]
    [InlineData("  type: ipi-bench\n  mode: multicast\n  targets: [1, 1]", "workload.targets", "vCPU 1 is listed twice")]
    [InlineData("  type: ipi-bench\n  mode: multicast\n  targets: []", "workload.targets", "at least one target")]
    [InlineData("  type: ipi-bench\n  sender: 2", "workload.sender", "vCPU 2 is not in the VM")]
    [InlineData("  type: ipi-send\n  sender: 1\n  target: 1", "workload.target", "another vCPU than the sender")]
    [InlineData("  type: ipi-send\n  target: 9", "workload.target", "vCPU 9 is not in the VM")]
    [InlineData("  type: cyclictest\n  threads: 3", "workload.threads", "3 measurement threads, one per vCPU, but vms[0] has 2 vCPUs")]
    [InlineData("  type: memcached\n  threads: 4", "workload.threads", "4 worker threads")]
    [InlineData("  type: hackbench\n  groups: 1000000\n  fds: 100000", "workload.groups", "tasks is more than 2147483647")]
    [InlineData("  type: hackbench\n  fds: 100000\n  loops: 100000", "workload.loops", "messages per receiver is more than 2147483647")]
    public void WorkloadThatDoesNotFitItsVm_IsRefusedAtItsKey(string workload, string key, string problem)
    {
        var e = Fails(Yaml(workload: workload));
        Assert.Equal(key, e.Key);
        Assert.True(e.Line >= 13, $"line {e.Line}");
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MulticastTargetsInsideTheVm_Load()
    {
        ScenarioSpec s = ScenarioLoader.Parse(Yaml(vcpus: 4, workload: "  type: ipi-bench\n  mode: multicast\n  targets: [1, 3]"), File);
        Assert.Equal(["1", "3"], s.Workload.Parameters["targets"].Items);
    }

    [Fact]
    public void Runner_RefusesASpecBuiltInCode_NamingTheScenarioAndKey()
    {
        var spec = new ScenarioSpec
        {
            Name = "coded",
            Features = ["avic"],
            Vms = [new VmSpec { Vcpus = 2 }],
            Workload = new WorkloadSpec { Type = "kut-ipi" },
        };
        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(spec));
        Assert.StartsWith("coded: features: feature 'avic' needs an AMD host", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherProfile_IsCheckedWithTheFilesLines()
    {
        // What `run --profile` does: a scenario valid on its own profile, checked against an AMD one.
        ScenarioSpec spec = ScenarioLoader.Parse(Yaml(), File);
        ScenarioProblem p = Assert.IsType<ScenarioProblem>(ScenarioChecks.Find(spec, Profiles.Find("amd-rome-2020")!));
        ScenarioException e = p.ToException(spec);
        AssertAt(e, 6, "features", "feature 'apicv' needs Intel VMX but profile 'amd-rome-2020'");
    }
}
