using BenchmarkDotNet.Attributes;
using KvmLab.Scenarios;

namespace KvmLab.Bench;

/// <summary>The whole simulator on the shipped 8-vCPU IPI benchmark scenario: one run per operation.</summary>
public class ScenarioBenchmarks
{
    private ScenarioSpec? _spec;

    public static string ScenarioPath => Path.Combine(EngineBench.RepoRoot(), "scenarios", "ipi-bench-8vcpu.yaml");

    [GlobalSetup]
    public void Setup() => _spec = ScenarioLoader.LoadFile(ScenarioPath);

    [Benchmark(Description = "ipi-bench-8vcpu run")]
    public RunResult IpiBench8Vcpu() => ScenarioRunner.Run(_spec!);
}
