using System.Text;

namespace KvmLab.Engine.Random;

/// <summary>
/// Hands out RNG streams derived from a stable name plus the run's seed and replication number,
/// never from creation order: adding a stream elsewhere does not shift anyone else's numbers
/// (STYLE.md, "From SimGrid": avoid ns-3's streams numbered by creation order).
/// </summary>
public sealed class RngStreams
{
    public RngStreams(ulong seed, int replication = 0)
    {
        Seed = seed;
        Replication = replication;
    }

    public ulong Seed { get; }

    public int Replication { get; }

    /// <summary>The stream for a stable name such as "vm0/vcpu7/workload".</summary>
    public RngStream Get(string name)
    {
        ulong x = StableHash(name) ^ Seed;
        ulong mixed = RngStream.SplitMix64(ref x);
        x = mixed ^ ((ulong)(uint)Replication * 0xD1B54A32D192ED03UL);
        return new RngStream(RngStream.SplitMix64(ref x)) { Name = name };
    }

    /// <summary>FNV-1a over UTF-8: stable across processes, unlike string.GetHashCode.</summary>
    public static ulong StableHash(string name)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            h ^= b;
            h *= 0x100000001B3UL;
        }

        return h;
    }
}
