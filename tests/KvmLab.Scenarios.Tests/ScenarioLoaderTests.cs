using KvmLab.Engine.Time;

namespace KvmLab.Scenarios.Tests;

public class ScenarioLoaderTests
{
    private const string File = "bad.yaml";

    // A valid scenario; the malformed cases each change one thing. Line numbers are 1-based.
    private const string Valid = """
        name: t
        seed: 3
        duration: 2ms
        warmup: 0ms
        profile: skylake-sp-2020
        machine:
          pcpus: 4
        features: [ipi-fastpath, apicv]
        vms:
          - vcpus: 2
            pin: true
            guest:
              kernel: kvm-unit-tests
        workload:
          type: kut-ipi
          iterations: 10
        """;

    public static TheoryData<string> ScenarioFiles => ["kut-ipi.yaml", "ipi-bench-8vcpu.yaml", "cyclictest.yaml", "hackbench-avic.yaml", "memcached.yaml", "overcommit-ebizzy.yaml"];

    [Theory]
    [MemberData(nameof(ScenarioFiles))]
    public void ShippedScenarios_LoadAndRun(string fileName)
    {
        ScenarioSpec spec = ScenarioLoader.LoadFile(RepoPaths.Scenario(fileName));
        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), spec.Name);

        RunResult r = ScenarioRunner.Run(spec);
        Assert.True(r.Metric(r.PrimaryMetric) > 0, $"{r.PrimaryMetric} = {r.Metric(r.PrimaryMetric)}");
        Assert.True(r.Events > 0);
    }

    [Fact]
    public void Valid_ParsesEveryField()
    {
        ScenarioSpec s = ScenarioLoader.Parse(Valid, File);
        Assert.Equal("t", s.Name);
        Assert.Equal(3UL, s.Seed);
        Assert.Equal(SimSpan.FromMilliseconds(2), s.Duration);
        Assert.Equal(SimSpan.Zero, s.Warmup);
        Assert.Equal(4, s.Machine.Pcpus);
        Assert.Equal(["ipi-fastpath", "apicv"], s.Features);
        VmSpec vm = Assert.Single(s.Vms);
        Assert.Equal(2, vm.Vcpus);
        Assert.True(vm.Pin);
        Assert.Equal(Model.Guest.GuestKernelKind.KvmUnitTests, vm.Guest.Kind);
        Assert.Equal("kut-ipi", s.Workload.Type);
        Assert.Equal("10", s.Workload.Parameters["iterations"].Text);
    }

    private static ScenarioException Fails(string yaml) =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, File));

    private static void AssertError(ScenarioException e, int line, string key)
    {
        Assert.Equal(File, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.StartsWith($"{File}:{line}: {key}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadYaml_UnclosedFlowSequence_NamesFileAndWhereItWasDetected()
    {
        // YamlDotNet detects the missing ']' at the end of the input (line 3 of a two-line file).
        var e = Fails("seed: 1\nname: [unclosed\n");
        AssertError(e, 3, "yaml");
    }

    [Fact]
    public void BadYaml_StrayIndentedMapping_NamesItsLine()
    {
        var e = Fails("seed: 1\nname: t\n  duration: 2ms\n");
        AssertError(e, 3, "yaml");
    }

    [Fact]
    public void UnknownTopLevelKey()
    {
        var e = Fails(Valid.Replace("seed: 3", "sede: 3", StringComparison.Ordinal));
        AssertError(e, 2, "sede");
    }

    [Fact]
    public void UnknownMachineKey()
    {
        // (sockets, once this test's example, is a key since the topology work.)
        var e = Fails(Valid.Replace("  pcpus: 4", "  pcpus: 4\n  numa_nodes: 2", StringComparison.Ordinal));
        AssertError(e, 8, "machine.numa_nodes");
    }

    [Fact]
    public void UnknownFeature()
    {
        var e = Fails(Valid.Replace("[ipi-fastpath, apicv]", "[ipi-fastpath, apic-v]", StringComparison.Ordinal));
        AssertError(e, 8, "features");
        Assert.Contains("apic-v", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeDuration()
    {
        var e = Fails(Valid.Replace("duration: 2ms", "duration: -5ms", StringComparison.Ordinal));
        AssertError(e, 3, "duration");
    }

    [Fact]
    public void ZeroDuration()
    {
        var e = Fails(Valid.Replace("duration: 2ms", "duration: 0ms", StringComparison.Ordinal));
        AssertError(e, 3, "duration");
    }

    [Fact]
    public void MorePinnedVcpusThanPcpus()
    {
        var e = Fails(Valid.Replace("pcpus: 4", "pcpus: 2", StringComparison.Ordinal).Replace("vcpus: 2", "vcpus: 4", StringComparison.Ordinal));
        AssertError(e, 11, "vms[0].pin");
    }

    [Fact]
    public void UnknownWorkloadType()
    {
        var e = Fails(Valid.Replace("type: kut-ipi", "type: kut-ipx", StringComparison.Ordinal));
        AssertError(e, 15, "workload.type");
    }

    [Fact]
    public void UnknownWorkloadParameter()
    {
        var e = Fails(Valid.Replace("iterations: 10", "iters: 10", StringComparison.Ordinal));
        AssertError(e, 16, "workload.iters");
    }

    [Fact]
    public void BadWorkloadParameterValue()
    {
        var e = Fails(Valid.Replace("iterations: 10", "iterations: ten", StringComparison.Ordinal));
        AssertError(e, 16, "workload.iterations");
    }

    [Fact]
    public void UnknownProfile()
    {
        var e = Fails(Valid.Replace("skylake-sp-2020", "zen9", StringComparison.Ordinal));
        AssertError(e, 5, "profile");
    }

    [Fact]
    public void NonNumericSeed()
    {
        var e = Fails(Valid.Replace("seed: 3", "seed: abc", StringComparison.Ordinal));
        AssertError(e, 2, "seed");
    }

    [Fact]
    public void MissingFile_IsAScenarioExceptionNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kvmlab-missing-{Guid.NewGuid():N}.yaml");
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("50ms", 50_000_000L)]
    [InlineData("200us", 200_000L)]
    [InlineData("1.5s", 1_500_000_000L)]
    [InlineData("300ns", 300L)]
    [InlineData("0", 0L)]
    [InlineData(" 7ms ", 7_000_000L)]
    [InlineData("3600s", 3_600_000_000_000L)]
    public void Span_Valid(string text, long ns)
    {
        Assert.Null(ValueText.Span(text, SimSpan.Zero, ScenarioLimits.MaxDuration, out SimSpan span));
        Assert.Equal(ns, span.Ns);
    }

    [Theory]
    [InlineData("", "is not a duration")]
    [InlineData("fast", "is not a duration")]
    [InlineData("5 parsecs", "is not a duration")]
    [InlineData("ms", "is not a duration")]
    [InlineData("1,5s", "is not a duration")]
    [InlineData("2", "needs a unit: write 2s or 2ms")]
    [InlineData("NaNms", "is not a finite duration")]
    [InlineData("Infinitys", "is not a finite duration")]
    [InlineData("1e300s", "must be from 0s to 3600s")]
    [InlineData("3601s", "must be from 0s to 3600s")]
    [InlineData("-1ms", "must be from 0s to 3600s")]
    [InlineData("0.5ns", "not a whole number of nanoseconds")]
    public void Span_Refused(string text, string problem)
    {
        string? p = ValueText.Span(text, SimSpan.Zero, ScenarioLimits.MaxDuration, out _);
        Assert.NotNull(p);
        Assert.Contains(problem, p, StringComparison.Ordinal);
    }

    [Fact]
    public void GuestKeys_ApicModeTickAndIdle()
    {
        string yaml = Valid.Replace("      kernel: kvm-unit-tests", "      kernel: linux\n      apic: x2apic-cluster\n      hz: 250\n      idle: poll", StringComparison.Ordinal);
        VmSpec vm = Assert.Single(ScenarioLoader.Parse(yaml, File).Vms);
        Assert.True(vm.Guest.X2Apic);
        Assert.True(vm.Guest.X2ApicCluster);
        Assert.Equal(250, vm.Guest.Hz);
        Assert.True(vm.Guest.IdlePoll);
    }

    [Fact]
    public void GuestIdle_Haltpoll_LoadsTheCpuidleHaltpollDriver()
    {
        string yaml = Valid.Replace("      kernel: kvm-unit-tests", "      kernel: linux\n      idle: haltpoll", StringComparison.Ordinal);
        VmSpec vm = Assert.Single(ScenarioLoader.Parse(yaml, File).Vms);
        Assert.True(vm.Guest.HaltPoll);
        Assert.False(vm.Guest.IdlePoll);
    }

    [Fact]
    public void UnknownIdleMode_NamesTheKeyAndLine()
    {
        string yaml = Valid.Replace("      kernel: kvm-unit-tests", "      kernel: linux\n      idle: mwait", StringComparison.Ordinal);
        AssertError(Fails(yaml), 14, "vms[0].guest.idle");
    }

    [Fact]
    public void TimerAdvance_IsReadAndBounded()
    {
        string ok = Valid.Replace("machine:", "kvm:\n  lapic_timer_advance_ns: 2000\nmachine:", StringComparison.Ordinal);
        Assert.Equal(SimSpan.FromNanoseconds(2000), ScenarioLoader.Parse(ok, File).TimerAdvance);

        string tooBig = Valid.Replace("machine:", "kvm:\n  lapic_timer_advance_ns: 9000\nmachine:", StringComparison.Ordinal);
        AssertError(Fails(tooBig), 7, "kvm.lapic_timer_advance_ns");
    }

    [Fact]
    public void OvercommitKeys_SpinlockStressAndStartJitter()
    {
        string yaml = Valid.Replace("      kernel: kvm-unit-tests", "      kernel: linux\n      spinlock: ticket\n      stress_cpu: true", StringComparison.Ordinal)
            .Replace("    pin: true", "    pin: true\n    start_jitter: 1ms", StringComparison.Ordinal);
        VmSpec vm = Assert.Single(ScenarioLoader.Parse(yaml, File).Vms);
        Assert.Equal(Model.Guest.SpinlockKind.Ticket, vm.Guest.Spinlock);
        Assert.True(vm.Guest.StressCpu);
        Assert.Equal(SimSpan.FromMilliseconds(1), vm.StartJitter);
    }

    [Fact]
    public void UnknownSpinlock_NamesTheKey()
    {
        string yaml = Valid.Replace("      kernel: kvm-unit-tests", "      kernel: linux\n      spinlock: mcs", StringComparison.Ordinal);
        Assert.Equal("vms[0].guest.spinlock", Fails(yaml).Key);
    }

    [Theory]
    [InlineData("", Model.Guest.GuestCpuIdle.None, false)]
    [InlineData("\n      cpuidle: none", Model.Guest.GuestCpuIdle.None, false)]
    [InlineData("\n      cpuidle: menu", Model.Guest.GuestCpuIdle.Menu, false)]
    [InlineData("\n      idle: haltpoll", Model.Guest.GuestCpuIdle.None, true)]
    public void GuestCpuidle_NoneMenuOrHaltpoll(string keys, Model.Guest.GuestCpuIdle expected, bool haltPoll)
    {
        string yaml = Valid.Replace("      kernel: kvm-unit-tests", "      kernel: linux" + keys, StringComparison.Ordinal);
        VmSpec vm = Assert.Single(ScenarioLoader.Parse(yaml, File).Vms);
        Assert.Equal(expected, vm.Guest.CpuIdle);
        Assert.Equal(haltPoll, vm.Guest.HaltPoll);
    }

    [Theory]
    [InlineData("\n      cpuidle: ladder", "unknown cpuidle 'ladder'")]
    [InlineData("\n      idle: poll\n      cpuidle: menu", "never enters cpuidle")]
    [InlineData("\n      idle: haltpoll\n      cpuidle: menu", "uses the haltpoll governor")]
    public void BadCpuidle_NamesTheKey(string keys, string message)
    {
        string yaml = Valid.Replace("      kernel: kvm-unit-tests", "      kernel: linux" + keys, StringComparison.Ordinal);
        ScenarioException e = Fails(yaml);
        Assert.Equal("vms[0].guest.cpuidle", e.Key);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
