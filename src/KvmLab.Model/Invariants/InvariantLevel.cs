namespace KvmLab.Model.Invariants;

/// <summary>How much of the model's physics is checked while it runs.</summary>
public enum InvariantLevel
{
    /// <summary>
    /// The checks that cost nothing measurable: work credited within guest time, no negative
    /// remaining work, one open segment at a time, no event in the past, and a full audit of every
    /// ledger when the run ends. Every run has these.
    /// </summary>
    Basic,

    /// <summary>Basic, plus a full audit of every ledger at every run slice (`--check`, and every test).</summary>
    Full,
}
