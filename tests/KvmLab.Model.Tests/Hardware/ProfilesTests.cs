using System.Text.Json.Nodes;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;

namespace KvmLab.Model.Tests.HardwareTests;

/// <summary>Issue 13, item 5: a platform's id names its fitted profile (data/profiles/&lt;id&gt;.fitted.json), "-estimates" its estimates.</summary>
public sealed class ProfilesTests
{
    private static string FittedDir => Path.Combine(RepoPaths.Root, "data", "profiles");

    [Fact]
    public void EveryCommittedFittedProfile_IsCompiledIn_AndNamedByItsPlatform()
    {
        string[] files = Directory.GetFiles(FittedDir, "*.fitted.json");
        Assert.NotEmpty(files);
        foreach (string f in files)
        {
            string id = Path.GetFileName(f)[..^".fitted.json".Length];
            CostProfile p = Profiles.Find(id)!;
            Assert.NotNull(p);
            Assert.StartsWith("fit to ", p.Origin, StringComparison.Ordinal);
            Assert.Contains("leave-one-out", p.Origin, StringComparison.Ordinal);
            if (Profiles.Estimates(id) is null)
            {
                // A host fit (pvm-here-xeon): a profile of its own, not a platform's; no estimates twin.
                Assert.Equal(CpuVendor.Pvm, p.Vendor);
                continue;
            }

            // The platform's estimates stay reachable, and the fitted profile differs from them.
            CostProfile e = Profiles.Find(id + Profiles.EstimatesSuffix)!;
            Assert.NotNull(e);
            Assert.NotEqual(p.VmExit, e.VmExit);
        }
    }

    [Fact]
    public void PvmFor_PicksTheFitOfTheHostWithThatTscRate()
    {
        Assert.Equal("pvm-here-xeon", Profiles.PvmFor(2_000_000).Id); // the 3 December host
        Assert.Equal("pvm-here", Profiles.PvmFor(2_596_140).Id);      // the 2 December host
        Assert.Equal("pvm-here", Profiles.PvmFor(3_100_000).Id);      // unknown: the default
    }

    [Fact]
    public void FittedProfile_CarriesTheFileValues_AndTheirSources()
    {
        string path = Path.Combine(FittedDir, "skylake-sp-2020.fitted.json");
        var fields = JsonNode.Parse(File.ReadAllText(path))!["fields"]!.AsObject();
        CostProfile p = Profiles.Find("skylake-sp-2020")!;
        foreach (CostField f in CostFields.All)
        {
            double ns = fields[f.Name]!["ns"]!.GetValue<double>();
            Assert.Equal(ns, f.Get(p).Ns, 0.51);
            string source = fields[f.Name]!["source"]!.GetValue<string>();
            Assert.Equal(source, p.SourceOf(f.Name).Label);
        }

        Assert.Equal(SourceKind.Fitted, p.SourceOf("VmExit").Kind);
        Assert.Contains("kut-vmcall-li-2020-03", p.SourceOf("VmExit").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimates_AreTheBuilders_WhateverNameIsGiven()
    {
        CostProfile builder = IntelSkylakeFamily.SkylakeSp2020();
        Assert.Equal(builder.VmExit, Profiles.Estimates("skylake-sp-2020")!.VmExit);
        Assert.Equal(builder.VmExit, Profiles.Estimates("skylake-sp-2020-estimates")!.VmExit);
        Assert.Equal(builder.VmExit, Profiles.Find("skylake-sp-2020-estimates")!.VmExit);
        Assert.Null(Profiles.Estimates("no-such-platform"));
        Assert.Equal("skylake-sp-2020-estimates", Profiles.EstimatesId("skylake-sp-2020"));
        Assert.Equal("pvm-here", Profiles.EstimatesId("pvm-here")); // no fit: the id itself
    }

    [Fact]
    public void ProvenanceLine_CountsEveryFieldOnce()
    {
        CostProfile p = Profiles.Find("skylake-sp-2020")!;
        string line = p.ProvenanceLine();
        int fitted = CostFields.All.Count(f => p.SourceOf(f.Name).Kind == SourceKind.Fitted);
        Assert.StartsWith($"skylake-sp-2020: {fitted} fitted, ", line, StringComparison.Ordinal);
        Assert.Contains($"of {CostFields.All.Count} cost fields; fit to data/measurements/skylake-sp-2020.yaml", line, StringComparison.Ordinal);
        Assert.True(fitted >= 15, line);
        Assert.Contains("built-in estimates", Profiles.Find("pvm-here")!.ProvenanceLine(), StringComparison.Ordinal);
    }

    [Fact]
    public void AUserProfileFile_StartsFromTheFittedProfile_AndSaysItIsAFile()
    {
        // A calibrate-style file that sets one field: the rest comes from the platform's profile as
        // experiments use it (the fitted one), not from the estimates.
        string dir = Directory.CreateTempSubdirectory("kvmlab-profile-").FullName;
        string path = Path.Combine(dir, "one.json");
        File.WriteAllText(path, """
            { "format": "kvmlab-cost-profile/1", "id": "mine", "summary": "s", "citation": "c", "base": "skylake-sp-2020",
              "environment": "here", "tsc_ghz": 2.5, "fields": { "HltHandler": { "ns": 77, "source": "measured", "probe": "p", "note": "" } } }
            """);
        CostProfile p = ProfileFile.Read(path).Profile;
        Assert.Equal(77, p.HltHandler.Ns, 0.01);
        Assert.Equal(Profiles.Find("skylake-sp-2020")!.VmExit, p.VmExit);
        Assert.Equal($"profile file {path} (here)", p.Origin);
    }
}
