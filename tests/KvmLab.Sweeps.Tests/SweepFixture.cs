namespace KvmLab.Sweeps.Tests;

/// <summary>A temporary directory with a small base scenario (about 10 ms of wall time per point) and sweep files beside it.</summary>
internal sealed class SweepFixture : IDisposable
{
    public const string Scenario = """
        name: tiny-ipi
        seed: 7
        duration: 2ms
        warmup: 0.5ms
        profile: skylake-sp-2020
        machine:
          pcpus: 4
        features: [ipi-fastpath, apicv, halt-polling, hlt-exits]
        vms:
          - vcpus: 2
            pin: true
            guest:
              kernel: kvm-unit-tests
        workload:
          type: kut-ipi
        """;

    /// <summary>2 x 2 x 3 = 12 points.</summary>
    public const string Grid = """
        name: tiny
        scenario: base.yaml
        grid:
          features:
            - label: fastpath
              value: [ipi-fastpath, apicv, halt-polling, hlt-exits]
            - label: no-fastpath
              value: [apicv, halt-polling, hlt-exits]
          machine.pcpus: [4, 8]
          seed: [1, 2, 3]
        """;

    public SweepFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), $"kvmlab-sweep-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Dir);
        File.WriteAllText(Path.Combine(Dir, "base.yaml"), Scenario);
    }

    public string Dir { get; }

    public string Write(string name, string text)
    {
        string p = Path.Combine(Dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    public SweepSpec Load(string text = Grid) => SweepLoader.LoadFile(Write("sweep.yaml", text));

    public string Out(string name) => Path.Combine(Dir, name);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
