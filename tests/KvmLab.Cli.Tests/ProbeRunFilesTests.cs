using KvmLab.Calibration.Pvm;
using KvmLab.RealKvm.Probes;

namespace KvmLab.Cli.Tests;

/// <summary>A live probe run carries KVM's halt-poll counters into the run's conditions, as a saved probe.json does (PvmRunConditions).</summary>
public class ProbeRunFilesTests
{
    private static readonly HostEnvironment Pvm = new()
    {
        Flavour = "PVM (kvm_pvm)",
        HostIsGuest = true,
        Nesting = "",
        CpuModel = "test",
        Cpus = 2,
        TscKhz = 2_000_000,
        Kernel = "6.18",
        ModuleParameters = [new("kvm.halt_poll_ns", "200000")],
    };

    private static ProbeResult Timer(string name, ulong attempted, ulong succeeded) =>
        ProbeResult.Measured("timer", name, name, [8600, 8610, 8590], 0) with
        {
            Counters = new Dictionary<string, ulong> { ["halt_attempted_poll"] = attempted, ["halt_successful_poll"] = succeeded },
        };

    [Fact]
    public void LiveRun_CarriesThePollCounters()
    {
        ProbeRunFile run = ProbeRunFiles.FromLive([Timer("deadline-50us", 270, 268), Timer("halt-poll-0us", 0, 0), Timer("halt-poll-100us", 270, 262)], Pvm);

        Assert.Equal((268.0 + 262) / 540, run.HaltPollSuccessShare!.Value, 6);
        Assert.Equal(540, run.Probes.Sum(p => p.HaltPollsAttempted));
    }

    [Fact]
    public void LiveRun_WithoutPolls_HasNoShare() =>
        Assert.Null(ProbeRunFiles.FromLive([Timer("halt-poll-0us", 0, 0)], Pvm).HaltPollSuccessShare);
}
