namespace KvmLab.Model.Hardware;

/// <summary>
/// The platform cost profiles. Every value cites its source in the factory that builds it and in
/// docs/MODEL.md; values marked ESTIMATE are first-principles estimates of a code path, chosen
/// from what the path does, never from an experiment's published result. All experiments on a
/// platform share its profile.
/// </summary>
public static class Profiles
{
    public static IReadOnlyList<CostProfile> All { get; } =
    [
        IntelSkylakeFamily.SkylakeSp2020(),
        IntelSkylakeFamily.XeonPlatinum8260(),
        IntelSkylakeFamily.XeonGold5218(),
        AmdRome.Epyc7002(),
        PvmHere.Profile(),
    ];

    public static CostProfile? Find(string id) =>
        All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The Skylake-SP host of Wanpeng Li's 2020 fastpath measurements.</summary>
    public static CostProfile SkylakeSp2020() => IntelSkylakeFamily.SkylakeSp2020();
}
