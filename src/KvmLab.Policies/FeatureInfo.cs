namespace KvmLab.Policies;

/// <summary>A switchable optimization or mechanism a scenario can name.</summary>
public sealed record FeatureInfo(string Id, string Summary, string Citation, bool OnByDefault) : IPolicyInfo;
