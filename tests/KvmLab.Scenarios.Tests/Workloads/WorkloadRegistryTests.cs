using KvmLab.Model.Workloads;
using KvmLab.Scenarios.Workloads;

namespace KvmLab.Scenarios.Tests.Workloads;

/// <summary>Every workload is declared once (issue 12): id, summary, citation, bounded parameters, a builder.</summary>
public class WorkloadRegistryTests
{
    [Fact]
    public void EveryWorkloadOfTheModel_IsDeclaredOnce()
    {
        var modelTypes = typeof(IWorkload).Assembly.GetTypes()
            .Where(t => typeof(IWorkload).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
            .Select(t => t.Name)
            .Where(n => n != nameof(StressCpuWorkload)) // installed by guest.stress_cpu, not by workload.type
            .ToHashSet();
        var built = WorkloadRegistry.All.Select(d => d.Create(new WorkloadArgs(d, new Dictionary<string, ScalarValue>(), "t.yaml")).GetType().Name).ToList();

        Assert.Equal(modelTypes.Order(), built.Order());
        Assert.Equal(built.Count, built.Distinct().Count());
        Assert.Equal(WorkloadRegistry.All.Count, WorkloadRegistry.All.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void EveryDeclaration_HasASummaryACitationAndUniqueBoundedParameters()
    {
        foreach (WorkloadDeclaration d in WorkloadRegistry.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Summary), d.Id);
            Assert.False(string.IsNullOrWhiteSpace(d.Citation), d.Id);
            Assert.Equal(d.Parameters.Count, d.Parameters.Select(p => p.Name).Distinct().Count());
            foreach (WorkloadParameter p in d.Parameters.Where(p => p.Kind is ParameterKind.Integer or ParameterKind.Microseconds))
            {
                Assert.True(p.Min <= p.Default && p.Default <= p.Max, $"{d.Id}.{p.Name}: default {p.Default} outside {p.Min}..{p.Max}");
            }
        }
    }

    [Fact]
    public void AnIntegerPastItsBound_IsRefusedWithItsLineAndLimit()
    {
        WorkloadDeclaration d = WorkloadRegistry.Find("cyclictest")!;
        var given = new Dictionary<string, ScalarValue> { ["priority"] = new("100", 7) };

        var e = Assert.Throws<ScenarioException>(() => new WorkloadArgs(d, given, "c.yaml"));

        Assert.StartsWith("c.yaml:7: workload.priority:", e.Message, StringComparison.Ordinal);
        Assert.Contains("99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUndeclaredParameter_NamesTheKnownOnes()
    {
        WorkloadDeclaration d = WorkloadRegistry.Find("ebizzy")!;

        var e = Assert.Throws<ScenarioException>(() => new WorkloadArgs(d, new Dictionary<string, ScalarValue> { ["chunks"] = new("3", 4) }, "e.yaml"));

        Assert.Contains("e.yaml:4: workload.chunks: unknown parameter for ebizzy (known: threads, alloc)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FioWithMoreJobsThanVcpus_IsRefusedAtLoadOnTheNumjobsLine()
    {
        string yaml = "name: f\nduration: 2ms\nvms:\n  - vcpus: 2\nworkload:\n  type: fio\n  config: iothread\n  numjobs: 3\n";

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(yaml, "f.yaml"));

        Assert.StartsWith("f.yaml:8: workload.numjobs: 3 jobs, one per vCPU, but vms[0] has 2 vCPUs", e.Message, StringComparison.Ordinal);
    }
}
