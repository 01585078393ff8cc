namespace KvmLab.Sweeps.Tests;

public sealed class SweepExpanderTests : IDisposable
{
    private readonly SweepFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Expand_IsTheCartesianProductFirstAxisSlowest()
    {
        IReadOnlyList<SweepPoint> p = SweepExpander.Expand(_f.Load());
        Assert.Equal(12, p.Count);
        Assert.Equal(Enumerable.Range(0, 12), p.Select(x => x.Index));
        Assert.Equal(["fastpath", "4", "1"], p[0].Parameters.Select(kv => kv.Value));
        Assert.Equal(["fastpath", "4", "2"], p[1].Parameters.Select(kv => kv.Value));
        Assert.Equal(["no-fastpath", "8", "3"], p[11].Parameters.Select(kv => kv.Value));
        Assert.Equal(8, p[11].Scenario.Machine.Pcpus);
        Assert.Equal(3UL, p[11].Scenario.Seed);
        Assert.DoesNotContain("ipi-fastpath", p[11].Scenario.Features);
        Assert.Equal(12, p.Select(x => x.Id).Distinct().Count());
    }

    [Fact]
    public void PointIds_DoNotDependOnTheOrderOfTheGridKeys()
    {
        IReadOnlyList<SweepPoint> a = SweepExpander.Expand(_f.Load());
        string reordered = """
            scenario: base.yaml
            grid:
              seed: [1, 2, 3]
              machine.pcpus: [4, 8]
              features:
                - { label: fastpath, value: [ipi-fastpath, apicv, halt-polling, hlt-exits] }
                - { label: no-fastpath, value: [apicv, halt-polling, hlt-exits] }
            """;
        IReadOnlyList<SweepPoint> b = SweepExpander.Expand(_f.Load(reordered));
        Assert.Equal(a.Select(x => x.Id).Order(StringComparer.Ordinal), b.Select(x => x.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Replications_AreSeparatePointsWithTheirOwnIds()
    {
        IReadOnlyList<SweepPoint> p = SweepExpander.Expand(_f.Load("scenario: base.yaml\nreplications: 3\ngrid:\n  machine.pcpus: [4, 8]\n"));
        Assert.Equal(6, p.Count);
        Assert.Equal([0, 1, 2, 0, 1, 2], p.Select(x => x.Replication));
        Assert.Equal(6, p.Select(x => x.Id).Distinct().Count());
    }

    [Fact]
    public void NoGrid_IsOnePointPerReplication()
    {
        Assert.Single(SweepExpander.Expand(_f.Load("scenario: base.yaml\n")));
    }

    [Fact]
    public void WholeListValues_ReplaceTheList()
    {
        string yaml = """
            scenario: base.yaml
            grid:
              vms:
                - label: one-vm
                  value: [{ vcpus: 2, pin: true, guest: { kernel: kvm-unit-tests } }]
                - label: two-vms
                  value: [{ vcpus: 2, pin: true, guest: { kernel: kvm-unit-tests } }, { vcpus: 2 }]
            """;
        IReadOnlyList<SweepPoint> p = SweepExpander.Expand(_f.Load(yaml));
        Assert.Equal([1, 2], p.Select(x => x.Scenario.Vms.Count));
    }
}
