using KvmLab.Engine.Time;

namespace KvmLab.Model.Storage;

/// <summary>fio's job options the storage path needs (fio defaults where not given).</summary>
public sealed record FioJob
{
    /// <summary>randread or randwrite (the drive preset says which direction its latency is for).</summary>
    public string Rw { get; init; } = "randread";

    public int BlockSize { get; init; } = 4096;

    public int IoDepth { get; init; } = 1;

    public int NumJobs { get; init; } = 1;

    /// <summary>Stop issuing after this long (0: until the scenario ends).</summary>
    public SimSpan Runtime { get; init; }
}
