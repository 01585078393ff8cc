using KvmLab.Engine.Time;
using KvmLab.Policies.LiWanpeng2020;
using KvmLab.Policies.Upstream;

namespace KvmLab.Policies.Tests;

public class FeatureCatalogTests
{
    private static readonly SimSpan Max = SimSpan.FromMicroseconds(200);

    [Fact]
    public void FeatureIds_AreUnique()
    {
        var ids = FeatureCatalog.Every.Select(f => f.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        var policyIds = FeatureCatalog.Policies.Select(p => p.Id).ToList();
        Assert.Equal(policyIds.Count, policyIds.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void EveryFeature_HasSummaryAndCitation()
    {
        Assert.All(FeatureCatalog.Every, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Summary));
            Assert.False(string.IsNullOrWhiteSpace(f.Citation));
        });
    }

    [Fact]
    public void Defaults_AreLinux510WithApicV()
    {
        Assert.Contains(FeatureCatalog.IpiFastpath, FeatureCatalog.Defaults);
        Assert.Contains(FeatureCatalog.ApicV, FeatureCatalog.Defaults);
        Assert.Contains(FeatureCatalog.HaltPolling, FeatureCatalog.Defaults);
        Assert.Contains(FeatureCatalog.HltExits, FeatureCatalog.Defaults);
    }

    [Fact]
    public void Find_KnownAndUnknown()
    {
        Assert.Equal(FeatureCatalog.ApicV, FeatureCatalog.Find("apicv")?.Id);
        Assert.Null(FeatureCatalog.Find("no-such-feature"));
    }

    [Fact]
    public void PoliciesFor_PicksIcrFastpathOnlyWhenEnabled()
    {
        var on = FeatureCatalog.PoliciesFor(new HashSet<string> { FeatureCatalog.IpiFastpath }, Max);
        var off = FeatureCatalog.PoliciesFor(new HashSet<string> { FeatureCatalog.ApicV, FeatureCatalog.HaltPolling }, Max);
        Assert.IsType<IcrWriteFastpath>(on.IcrFastpath);
        Assert.IsType<NoIcrFastpath>(off.IcrFastpath);
    }

    [Fact]
    public void PoliciesFor_HaltPollingSetsTheMaximum()
    {
        var on = FeatureCatalog.PoliciesFor(new HashSet<string> { FeatureCatalog.HaltPolling }, Max);
        var off = FeatureCatalog.PoliciesFor(new HashSet<string>(), Max);
        Assert.Equal(Max, Assert.IsType<AdaptiveHaltPoll>(on.HaltPoll).Max);
        Assert.Equal(SimSpan.Zero, Assert.IsType<AdaptiveHaltPoll>(off.HaltPoll).Max);
    }

    [Fact]
    public void ConfigFor_MapsApicVAndHltExits()
    {
        var all = FeatureCatalog.ConfigFor(new HashSet<string> { FeatureCatalog.ApicV, FeatureCatalog.HltExits });
        Assert.True(all.ApicV);
        Assert.True(all.HltExits);

        var noApicV = FeatureCatalog.ConfigFor(new HashSet<string> { FeatureCatalog.HltExits });
        Assert.False(noApicV.ApicV);
        Assert.True(noApicV.HltExits);

        var noHlt = FeatureCatalog.ConfigFor(new HashSet<string> { FeatureCatalog.ApicV });
        Assert.True(noHlt.ApicV);
        Assert.False(noHlt.HltExits);
    }

    [Fact]
    public void EveryFeature_IsDeclaredOnceInItsSourcesFolder()
    {
        string[] sources = ["Upstream", "LiWanpeng2020", "Ishiguro2021", "ByteDance2020"];
        Assert.All(FeatureCatalog.Every, f => Assert.Contains(f.Source, sources));
        foreach (string source in sources)
        {
            Assert.True(Directory.Exists(Path.Combine(RepoPaths.Root, "src", "KvmLab.Policies", source)), source);
        }

        Assert.Equal(FeatureCatalog.Every.Count, FeatureCatalog.Every.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public void VendorNeeds_AreDeclaredWithTheFeature()
    {
        string[] intel = [.. FeatureCatalog.Every.Where(f => f.Needs == Model.Hardware.CpuVendor.Intel).Select(f => f.Id).Order()];
        Assert.Equal(new[] { FeatureCatalog.ApicV, FeatureCatalog.ExitlessPvIpi, FeatureCatalog.PassthroughTimer, FeatureCatalog.PreemptionTimer }.Order(), intel);
        Assert.Equal([FeatureCatalog.Avic], FeatureCatalog.Every.Where(f => f.Needs == Model.Hardware.CpuVendor.Amd).Select(f => f.Id));
    }

    [Fact]
    public void Problem_NamesTheFeatureAndWhoIsToBlame()
    {
        var exitlessXapic = FeatureCatalog.Problem(new HashSet<string> { FeatureCatalog.ApicV, FeatureCatalog.ExitlessPvIpi }, Model.Hardware.CpuVendor.Intel, guestX2Apic: false);
        Assert.Equal((FeatureCatalog.ExitlessPvIpi, true), (exitlessXapic!.Value.Feature, exitlessXapic.Value.BlamesGuest));

        var avicOnIntel = FeatureCatalog.Problem(new HashSet<string> { FeatureCatalog.Avic }, Model.Hardware.CpuVendor.Intel, guestX2Apic: false);
        Assert.True(avicOnIntel!.Value.Vendor);

        Assert.Null(FeatureCatalog.Problem(FeatureCatalog.Defaults, Model.Hardware.CpuVendor.Intel, guestX2Apic: true));
    }

    [Fact]
    public void Configure_AppliesInRegistryOrder_SoIshiguroWrapsTheKernelsFilter()
    {
        var (_, p) = FeatureCatalog.Configure(new HashSet<string> { FeatureCatalog.IpiSenderBoost, FeatureCatalog.BoostUserPendingIrq }, Max);
        Assert.IsType<Ishiguro2021.IpiSenderSpinFilter>(p.SpinFilter);

        var (_, exitless) = FeatureCatalog.Configure(new HashSet<string> { FeatureCatalog.PvSendIpi, FeatureCatalog.ExitlessPvIpi, FeatureCatalog.ApicV }, Max);
        Assert.IsType<ByteDance2020.ExitlessIpiDelivery>(exitless.IpiDelivery);
    }

    [Fact]
    public void StorageSwitches_AreDeclaredOnceWithACitation()
    {
        var keys = Hajnoczi2020.StorageSwitches.All.Select(s => s.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(Hajnoczi2020.StorageSwitches.All, s => Assert.False(string.IsNullOrWhiteSpace(s.Citation)));
    }

    [Fact]
    public void IshigurosTwoFilterVariants_AreOneChoice()
    {
        var both = FeatureCatalog.Problem(new HashSet<string> { FeatureCatalog.IpiSenderBoost, FeatureCatalog.IpiReceivedBoost }, Model.Hardware.CpuVendor.Intel, guestX2Apic: true);
        Assert.NotNull(both);
        Assert.Contains("enable one", both!.Value.Message);

        var (_, p) = FeatureCatalog.Configure(new HashSet<string> { FeatureCatalog.IpiReceivedBoost }, Max);
        Assert.Equal("ishiguro2021/ipi-received-spin-filter", ((IPolicyInfo)p.SpinFilter).Id);
    }
}
