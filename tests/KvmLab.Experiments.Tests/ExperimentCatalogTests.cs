namespace KvmLab.Experiments.Tests;

public class ExperimentCatalogTests
{
    [Fact]
    public void Ids_AreUnique_AndEveryPartNamesItsRow()
    {
        var ids = ExperimentCatalog.All.Select(e => e.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("avic-multicast.hackbench", ids);
        Assert.Contains("exitless-pv-ipi.single-ipi", ids);
    }

    [Fact]
    public void Matching_ARowNamesItsParts_APartOnlyItself()
    {
        Assert.Equal(["avic-multicast", "avic-multicast.hackbench"], ExperimentCatalog.Matching("avic-multicast").Select(e => e.Id));
        Assert.Equal(["avic-multicast.hackbench"], ExperimentCatalog.Matching("avic-multicast.hackbench").Select(e => e.Id));
        Assert.Empty(ExperimentCatalog.Matching("avic"));
    }

    [Fact]
    public void Variants_DifferOnlyInFeaturesOrProfileSwitches_AndNoneIsACalibration()
    {
        foreach (Experiment e in ExperimentCatalog.All)
        {
            Assert.False(e.Calibration, e.Id);
            Assert.Equal(e.Baseline.Scenario.Profile, e.Optimized.Scenario.Profile);
            Assert.Equal(e.Baseline.Scenario.Duration, e.Optimized.Scenario.Duration);
            Assert.Equal(e.Baseline.Scenario.Workload.Type, e.Optimized.Scenario.Workload.Type);
        }
    }

    [Fact]
    public void EveryRow_SaysWhatItWouldTake_FromItsSensitivity()
    {
        // Issue 14, item 8: no row reproduces (tests/golden/reproduce-all.jsonl), so each says what
        // it would take, dated and named after the analysis it comes from.
        foreach (Experiment e in ExperimentCatalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.WhatWouldItTake), e.Id);
            Assert.StartsWith("(kvmlab sensitivity", e.WhatWouldItTake, StringComparison.Ordinal);
            Assert.Contains("would take", e.WhatWouldItTake, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TimerFastpath_VariantsDifferOnlyByTheFeature()
    {
        Experiment e = ExperimentCatalog.Find("timer-fastpath-cyclictest")!;
        var extra = e.Optimized.Scenario.Features.Except(e.Baseline.Scenario.Features).ToList();
        Assert.Equal(["timer-fastpath"], extra);
        Assert.Empty(e.Baseline.Scenario.Features.Except(e.Optimized.Scenario.Features));
    }
}
