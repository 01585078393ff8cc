using KvmLab.Scenarios;

namespace KvmLab.Sweeps.Tests;

public sealed class SweepLoaderTests : IDisposable
{
    private readonly SweepFixture _f = new();

    public void Dispose() => _f.Dispose();

    private string ErrorOf(string yaml) => Assert.Throws<ScenarioException>(() => SweepExpander.Expand(_f.Load(yaml))).Message;

    [Fact]
    public void Load_ReadsAxesInFileOrderWithLabels()
    {
        SweepSpec s = _f.Load();
        Assert.Equal("tiny", s.Name);
        Assert.Equal(["features", "machine.pcpus", "seed"], s.Axes.Select(a => a.Path.Text));
        Assert.Equal(["fastpath", "no-fastpath"], s.Axes[0].Values.Select(v => v.Display));
        Assert.Equal("[apicv, halt-polling, hlt-exits]", s.Axes[0].Values[1].Canonical);
    }

    [Fact]
    public void UnknownTopKey_NamesFileLineAndKey()
    {
        string m = ErrorOf("scenario: base.yaml\ngird:\n  seed: [1]\n");
        Assert.Matches(@"sweep\.yaml:2: gird: unknown key", m);
    }

    [Fact]
    public void MissingScenario_IsRefused()
    {
        Assert.Contains("sweep.yaml:1: scenario: missing", ErrorOf("grid:\n  seed: [1]\n"), StringComparison.Ordinal);
        Assert.Contains("scenario: no such file", ErrorOf("scenario: nope.yaml\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void BadPathSyntax_IsRefusedWithItsLine()
    {
        Assert.Contains("sweep.yaml:3: grid.vms[x].vcpus: not a path", ErrorOf("scenario: base.yaml\ngrid:\n  vms[x].vcpus: [1]\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyAxisAndDuplicateValues_AreRefused()
    {
        Assert.Contains("grid.seed: expected a non-empty list", ErrorOf("scenario: base.yaml\ngrid:\n  seed: []\n"), StringComparison.Ordinal);
        Assert.Contains("sweep.yaml:4: grid.seed: value 1 is listed twice", ErrorOf("scenario: base.yaml\ngrid:\n  seed: [1,\n    1]\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidValue_BlamesTheValuesLineAndSaysWhy()
    {
        string m = ErrorOf("scenario: base.yaml\ngrid:\n  vms[0].vcpus:\n    - 2\n    - 0\n");
        Assert.Contains("sweep.yaml:5: grid.vms[0].vcpus: value 0 makes an invalid scenario", m, StringComparison.Ordinal);
        Assert.Contains("must be from 1 to 1024", m, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownScenarioKey_IsRefusedByTheScenarioRules()
    {
        string m = ErrorOf("scenario: base.yaml\ngrid:\n  machine.cores: [4]\n");
        Assert.Contains("sweep.yaml:3: grid.machine.cores:", m, StringComparison.Ordinal);
        Assert.Contains("unknown key", m, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexOutOfRange_IsRefused()
    {
        Assert.Contains("sweep.yaml:3: grid.vms[1].vcpus: the base scenario's 'vms' has 1 item(s)", ErrorOf("scenario: base.yaml\ngrid:\n  vms[1].vcpus: [2]\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void BadReplications_IsRefused()
    {
        Assert.Contains("sweep.yaml:2: replications:", ErrorOf("scenario: base.yaml\nreplications: 0\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void ParallelExpansion_ReportsTheSameFirstError()
    {
        SweepSpec s = _f.Load("scenario: base.yaml\ngrid:\n  seed: [1, 2, 3, 4, 5, 6, 7, 8]\n  vms[0].vcpus: [2, 0, 1025]\n");
        string serial = Assert.Throws<ScenarioException>(() => SweepExpander.Expand(s, 1)).Message;
        Assert.Equal(serial, Assert.Throws<ScenarioException>(() => SweepExpander.Expand(s, 4)).Message);
        Assert.Contains("seed=1, vms[0].vcpus=0", serial, StringComparison.Ordinal);
    }
}
