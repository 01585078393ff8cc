using System.Globalization;
using KvmLab.Model.Invariants;
using KvmLab.Reporting;
using KvmLab.Scenarios;

namespace KvmLab.Scenarios.Tests.Physics;

/// <summary>
/// Host load balancing in whole runs: unpinned vCPUs that sleep on timers beside CPU hogs, on a
/// two-socket SMT machine, with every conservation check on (per-pCPU and per-vCPU time ledgers).
/// </summary>
public class HostLoadBalanceRunTests
{
    private static RunResult Run(bool balance) => ScenarioRunner.Run(ScenarioLoader.Parse(string.Create(CultureInfo.InvariantCulture, $"""
        name: lb
        seed: 5
        duration: 150ms
        warmup: 10ms
        machine: {"{"} pcpus: 8, sockets: 2, threads_per_core: 2, host_hogs: 6, load_balance: {(balance ? "true" : "false")} {"}"}
        vms:
          - vcpus: 6
        workload:
          type: cyclictest
          threads: 6
          interval_us: 700
        """), "lb.yaml"), checks: InvariantLevel.Full);

    [Fact]
    public void Balancing_MovesThreads_AndEveryLedgerStillBalances()
    {
        RunResult on = Run(balance: true);
        Assert.True(on.Metric("host_migrations") > 0);
        Assert.Equal(JsonResults.Run(on), JsonResults.Run(Run(balance: true)));
    }

    [Fact]
    public void BalancingOff_IsTheEarlierModel()
    {
        RunResult off = Run(balance: false);
        RunResult on = Run(balance: true);
        Assert.NotEqual(off.Metric("host_migrations"), on.Metric("host_migrations"));
    }
}
