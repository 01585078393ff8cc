namespace KvmLab.Policies;

/// <summary>What `kvmlab list` shows for a policy or feature: an id, one line, and where it comes from.</summary>
public interface IPolicyInfo
{
    string Id { get; }

    string Summary { get; }

    string Citation { get; }
}
