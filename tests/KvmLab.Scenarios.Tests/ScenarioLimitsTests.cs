namespace KvmLab.Scenarios.Tests;

/// <summary>Every number of a scenario is range-checked at load with the limit in the message: one test per kind of refusal.</summary>
public class ScenarioLimitsTests
{
    private const string File = "l.yaml";

    private const string Valid = """
        name: l
        seed: 3
        duration: 2ms
        warmup: 0ms
        machine:
          pcpus: 4
        kvm:
          halt_poll_ns: 200000
        vms:
          - vcpus: 2
            start_jitter: 1ms
            guest:
              hz: 250
        workload:
          type: cyclictest
          threads: 1
          interval_us: 1000
          priority: 0
        """;

    private static ScenarioException Fails(string from, string to)
    {
        Assert.Contains(from, Valid, StringComparison.Ordinal);
        return Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(Valid.Replace(from, to, StringComparison.Ordinal), File));
    }

    private static void AssertAt(ScenarioException e, int line, string key, string problem)
    {
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_Loads() => Assert.Equal("l", ScenarioLoader.Parse(Valid, File).Name);

    [Fact]
    public void IntegerThatOverflowsAnInt_IsAnErrorNotATruncation()
    {
        // 4294967297 is 2^32 + 1: cast to an int it was 1, and the run silently had one thread.
        AssertAt(Fails("threads: 1", "threads: 4294967297"), 16, "workload.threads", "4294967297 is out of range: it must be from 1 to 1024");
    }

    [Fact]
    public void FractionalCount_IsRefused() => AssertAt(Fails("pcpus: 4", "pcpus: 2.5"), 6, "machine.pcpus", "'2.5' is not a whole number");

    [Fact]
    public void BareDuration_NeedsAUnit() => AssertAt(Fails("duration: 2ms", "duration: 5"), 3, "duration", "write 5s or 5ms");

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NonFiniteDuration_IsRefused(string value) => AssertAt(Fails("duration: 2ms", $"duration: {value}"), 3, "duration", "is not a finite duration");

    [Theory]
    [InlineData("1e300s")]
    [InlineData("3601s")]
    [InlineData("9223372036854775807ns")]
    public void HugeDuration_IsRefusedWithTheBound(string value) => AssertAt(Fails("duration: 2ms", $"duration: {value}"), 3, "duration", "must be from 0s to 3600s");

    [Fact]
    public void NegativeJitter_IsRefused() => AssertAt(Fails("start_jitter: 1ms", "start_jitter: -1ms"), 11, "vms[0].start_jitter", "must be from 0s to 3600s");

    [Fact]
    public void JitterAsLongAsTheRun_IsRefused() => AssertAt(Fails("start_jitter: 1ms", "start_jitter: 2ms"), 11, "vms[0].start_jitter", "some vCPUs would never start");

    [Fact]
    public void WarmupAsLongAsTheRun_IsRefused() => AssertAt(Fails("warmup: 0ms", "warmup: 2ms"), 4, "warmup", "2ms must be shorter than the duration (2ms)");

    [Fact]
    public void HaltPollBeyondItsUnsignedInt_IsRefused() =>
        AssertAt(Fails("halt_poll_ns: 200000", "halt_poll_ns: 4294967296"), 8, "kvm.halt_poll_ns", "must be from 0 to 4294967295 (the module parameter is an unsigned int)");

    [Fact]
    public void PriorityAbove99_IsRefusedNotClamped() => AssertAt(Fails("priority: 0", "priority: 150"), 18, "workload.priority", "must be from 0 to 99");

    [Fact]
    public void IntervalBeyondAnHour_IsRefused() => AssertAt(Fails("interval_us: 1000", "interval_us: 1e300"), 17, "workload.interval_us", "is not a whole number");

    [Fact]
    public void IntervalOfMoreThanAnHour_IsRefused() => AssertAt(Fails("interval_us: 1000", "interval_us: 3600000001"), 17, "workload.interval_us", "must be from 1 to 3600000000 (at most one hour)");

    [Fact]
    public void GuestHzBound() => AssertAt(Fails("hz: 250", "hz: 100000"), 13, "vms[0].guest.hz", "must be from 0 to 10000");

    [Fact]
    public void SeedTakesTheWholeUnsignedRange()
    {
        Assert.Equal(ulong.MaxValue, ScenarioLoader.Parse(Valid.Replace("seed: 3", "seed: 18446744073709551615", StringComparison.Ordinal), File).Seed);
        AssertAt(Fails("seed: 3", "seed: 18446744073709551616"), 2, "seed", "too large");
    }

    [Fact]
    public void FeatureListedTwice_IsRefused()
    {
        string yaml = Valid.Replace("machine:", "features: [apicv, apicv]\nmachine:", StringComparison.Ordinal);
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, File));
        AssertAt(e, 5, "features", "'apicv' is listed twice");
    }

    [Fact]
    public void AListWhereOneValueBelongs_IsRefused() => AssertAt(Fails("threads: 1", "threads: [1, 2]"), 16, "workload.threads", "expected a single value, not a list");

    [Fact]
    public void AMappingAsAKey_IsRefused()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse("? {a: 1}\n: 2\n", File));
        Assert.Equal("scenario", e.Key);
        Assert.Contains("a key must be a single word", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooManyVms_IsRefused()
    {
        string vms = string.Concat(Enumerable.Repeat("  - vcpus: 1\n", ScenarioLimits.MaxVms + 1));
        string yaml = $"duration: 2ms\nvms:\n{vms}workload:\n  type: ebizzy\n";
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, File));
        AssertAt(e, 3, "vms", "257 VMs is more than 256");
    }

    [Fact]
    public void ThreadsPerCore_OutOfRange_IsRefused() =>
        AssertAt(Fails("pcpus: 4", "pcpus: 4\n  threads_per_core: 9"), 7, "machine.threads_per_core", "9 is out of range: it must be from 1 to 8");

    [Fact]
    public void Sockets_Zero_IsRefused() => AssertAt(Fails("pcpus: 4", "pcpus: 4\n  sockets: 0"), 7, "machine.sockets", "0 is out of range: it must be from 1 to 64");

    [Fact]
    public void Topology_ThatDoesNotSplitThePcpus_IsRefused() =>
        AssertAt(Fails("pcpus: 4", "pcpus: 6\n  sockets: 2\n  threads_per_core: 2"), 8, "machine.threads_per_core", "pcpus must be a multiple of sockets x threads_per_core (4)");

    [Fact]
    public void Topology_Loads()
    {
        var s = ScenarioLoader.Parse(Valid.Replace("pcpus: 4", "pcpus: 8\n  sockets: 2\n  threads_per_core: 2\n  load_balance: false", StringComparison.Ordinal), File);
        Assert.Equal((8, 2, 2, false), (s.Machine.Pcpus, s.Machine.Sockets, s.Machine.ThreadsPerCore, s.Machine.LoadBalance));
    }
}
