using KvmLab.Calibration.Catalog;
using KvmLab.Scenarios;

namespace KvmLab.Calibration.Tests.Catalog;

/// <summary>The shipped catalogs load strictly, every entry is cited, ids are unique across files.</summary>
public class MeasurementCatalogTests
{
    public static IEnumerable<object[]> Files() =>
        Directory.GetFiles(MeasurementCatalog.Directory(RepoPaths.Root), "*.yaml").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Files))]
    public void ShippedCatalog_LoadsAndEveryEntryIsCitedAndVerifiedOrSaysWhyNot(string file)
    {
        MeasurementCatalog c = MeasurementCatalog.Load(Path.Combine(MeasurementCatalog.Directory(RepoPaths.Root), file));

        Assert.NotEmpty(c.Entries);
        Assert.All(c.Entries, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Citation), e.Id);
            Assert.False(string.IsNullOrWhiteSpace(e.Verified), e.Id);
            Assert.False(e.Calibration, e.Id);
        });
    }

    [Fact]
    public void Ids_AreUniqueAcrossEveryCatalog()
    {
        var ids = Files().Select(f => MeasurementCatalog.Load(Path.Combine(MeasurementCatalog.Directory(RepoPaths.Root), (string)f[0])))
            .SelectMany(c => c.Entries.Select(e => e.Id)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void SkylakeCatalog_HasAtLeast25CitedFitEntries()
    {
        MeasurementCatalog c = MeasurementCatalog.Load(Path.Combine(MeasurementCatalog.Directory(RepoPaths.Root), "skylake-sp-2020.yaml"));

        Assert.Equal("skylake-sp-2020", c.Platform);
        Assert.True(c.Entries.Count >= 25, $"{c.Entries.Count} entries");
    }

    [Fact]
    public void UnknownKey_IsOneLineWithFileLineAndKey()
    {
        string yaml = "platform: p\ntsc_ghz: 2.5\nentries:\n- id: a\n  quantity: vmexit.cpuid\n  value: 1\n  unit: cycles\n  citation: x\n  colour: red\n";

        var e = Assert.Throws<ScenarioException>(() => MeasurementCatalog.Parse(yaml, "c.yaml"));

        Assert.StartsWith("c.yaml:9: entries[0].colour: unknown key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycles_ConvertAtTheEntrysTscElseTheCatalogs()
    {
        var e = new MeasurementEntry { Id = "x", Quantity = "q", Value = 2500, Unit = "cycles", Citation = "c" };

        Assert.Equal(1000, e.Nanoseconds(2.5));
        Assert.Equal(500, (e with { TscGhz = 5 }).Nanoseconds(2.5));
        Assert.Null((e with { Unit = "IOPS" }).Nanoseconds(2.5));
    }
}

/// <summary>A catalog that takes another platform's entries as its own (same microarchitecture) must say why.</summary>
public class SameMicroarchitectureTests
{
    private const string Entry = "entries:\n- id: a\n  quantity: idle.c1.exit_latency\n  value: 2\n  unit: us\n  citation: c\n  use: fixed\n";

    [Fact]
    public void TheKey_IsReadWithItsReason()
    {
        MeasurementCatalog c = MeasurementCatalog.Parse("platform: xeon-8260\nsame_microarchitecture_as: skylake-sp-2020\nsame_microarchitecture_reason: same core\n" + Entry, "t.yaml");
        Assert.Equal("skylake-sp-2020", c.SameMicroarchitectureAs);
        Assert.Equal("same core", c.SameMicroarchitectureReason);
        Assert.Null(MeasurementCatalog.Parse("platform: xeon-8260\n" + Entry, "t.yaml").SameMicroarchitectureAs);
    }

    [Fact]
    public void WithoutAReason_OrNamingItself_ItIsRefusedWithFileLineKey()
    {
        var e = Assert.Throws<ScenarioException>(() => MeasurementCatalog.Parse("platform: xeon-8260\nsame_microarchitecture_as: skylake-sp-2020\n" + Entry, "t.yaml"));
        Assert.Contains("t.yaml:2: same_microarchitecture_reason", e.Message, StringComparison.Ordinal);
        var self = Assert.Throws<ScenarioException>(() => MeasurementCatalog.Parse("platform: x\nsame_microarchitecture_as: x\nsame_microarchitecture_reason: r\n" + Entry, "t.yaml"));
        Assert.Contains("same_microarchitecture_as", self.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheShippedCascadeLakeCatalogs_TakeSkylakeSpEntries()
    {
        foreach (string id in new[] { "xeon-8260", "xeon-5218" })
        {
            MeasurementCatalog c = MeasurementCatalog.Load(Path.Combine(MeasurementCatalog.Directory(RepoPaths.Root), id + ".yaml"));
            Assert.Equal("skylake-sp-2020", c.SameMicroarchitectureAs);
        }
    }
}
