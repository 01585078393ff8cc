namespace KvmLab.Policies;

/// <summary>A switchable optimization or mechanism a scenario can name.</summary>
/// <param name="RequiresTrustedGuest">The design hands the guest host resources (a PI descriptor, the physical ICR or timer): only for guests the operator trusts.</param>
public sealed record FeatureInfo(string Id, string Summary, string Citation, bool OnByDefault, bool RequiresTrustedGuest = false) : IPolicyInfo;
