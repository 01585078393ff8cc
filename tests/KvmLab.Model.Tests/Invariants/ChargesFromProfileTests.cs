using System.Text.RegularExpressions;
using KvmLab.Engine.Invariants;
using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Tests.Invariants;

/// <summary>
/// Every charge comes from the profile (issue 11). At run time a profile with an invalid cost
/// stops the run; in the source, the rooms that charge platform costs (Kvm/, HostOs/, Guest/,
/// Qemu/) hold no duration literal except the kernel's own constants listed here with why.
/// Workload costs live in each workload's parameters and storage costs in the profile's Storage
/// part (both documented in docs/MODEL.md).
/// </summary>
public partial class ChargesFromProfileTests
{
    /// <summary>Duration literals that are kernel constants or initial state, not platform costs.</summary>
    private static readonly (string File, string Text, string Why)[] Allowed =
    [
        ("Kvm/KvmConfig.cs", "FromNanoseconds(1000)", "lapic_timer_advance_ns' initial value (LAPIC_TIMER_ADVANCE_NS_INIT, lapic.c)"),
        ("HostOs/CfsTunables.cs", "FromMilliseconds(6)", "sysctl_sched_latency"),
        ("HostOs/CfsTunables.cs", "FromMicroseconds(750)", "sysctl_sched_min_granularity"),
        ("HostOs/CfsTunables.cs", "FromMilliseconds(1)", "sysctl_sched_wakeup_granularity"),
        ("HostOs/CfsTunables.cs", "FromMicroseconds(500)", "sysctl_sched_migration_cost (kernel/sched/fair.c, 500000UL ns)"),
        ("HostOs/HostScheduler.cs", "FromNanoseconds(1e9 / hostHz)", "the CONFIG_HZ tick period"),
        ("Guest/GuestTimers.cs", "FromNanoseconds(1e9 / hz)", "the guest's CONFIG_HZ tick period"),
        ("Kvm/HaltPollWindow.cs", "FromMicroseconds(200), 2, SimSpan.FromMicroseconds(10), 0", "halt_poll_ns' x86 default (KVM_HALT_POLL_NS_DEFAULT 200000), halt_poll_ns_grow 2, halt_poll_ns_grow_start 10000, shrink 0 (kvm_main.c)"),
        ("Guest/GuestRwsem.cs", "FromMicroseconds(2)", "a model step, not a cost: a spinner re-checks its owner every 2 us of spin (the kernel checks every iteration)"),
        ("Guest/GuestCpu.cs", "FromSeconds(1)", "initial idle history: long enough that the first idle period stops the NOHZ tick"),
    ];

    [Fact]
    public void ChargingRooms_HoldNoDurationLiteralsButKernelConstants()
    {
        string model = Path.Combine(RepoPaths.Root, "src", "KvmLab.Model");
        var found = new List<string>();
        foreach (string room in new[] { "Kvm", "HostOs", "Guest", "Qemu", "Network" })
        {
            foreach (string file in Directory.GetFiles(Path.Combine(model, room), "*.cs"))
            {
                string rel = Path.GetRelativePath(model, file).Replace('\\', '/');
                foreach (Match m in Literal().Matches(File.ReadAllText(file)))
                {
                    if (!Allowed.Any(a => a.File == rel && m.Value.Contains(a.Text, StringComparison.Ordinal)))
                    {
                        found.Add($"{rel}: {m.Value}");
                    }
                }
            }
        }

        Assert.True(found.Count == 0, "duration literals outside the profile (move them into CostProfile with a source in docs/MODEL.md):\n" + string.Join("\n", found));
    }

    [Fact]
    public void EveryBuiltInProfile_IsValid()
    {
        foreach (CostProfile p in Profiles.All)
        {
            Assert.Empty(p.Problems());
        }
    }

    [Fact]
    public void AProfileWithANegativeCost_StopsTheRunBeforeItStarts()
    {
        CostProfile bad = Profiles.SkylakeSp2020() with { VmExit = new SimSpan(-5) };

        var e = Assert.Throws<InvariantViolationException>(() => new HostContext(new Engine.Events.Simulator(), bad, new MachineSpec(), new Engine.Random.RngStreams(1), Engine.Tracing.NullTraceSink.Instance));

        Assert.Equal("profile-costs-valid", e.Invariant);
        Assert.Contains("VmExit: -5 ns", e.Message);
    }

    [Fact]
    public void AStorageCostOutOfRange_IsNamedWithItsPart()
    {
        CostProfile p = Profiles.SkylakeSp2020();
        CostProfile bad = p with { Storage = p.Storage with { QemuPollIteration = SimSpan.FromSeconds(2) } };

        Assert.Contains(bad.Problems(), m => m.StartsWith("Storage.QemuPollIteration: 2000000000 ns", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"SimSpan\.From[A-Za-z]+\(\s*[0-9][^;\n]*|new SimSpan\(\s*[0-9][^;\n]*")]
    private static partial Regex Literal();
}
