using KvmLab.Engine.Random;

namespace KvmLab.Engine.Tests.Random;

public class RngStreamsTests
{
    private static ulong[] Take(RngStream s, int n)
    {
        var v = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = s.NextUInt64();
        }

        return v;
    }

    [Fact]
    public void StableHash_IsFnv1a64()
    {
        // Published FNV-1a 64-bit test vectors.
        Assert.Equal(0xcbf29ce484222325UL, RngStreams.StableHash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, RngStreams.StableHash("a"));
        Assert.Equal(0x85944171f73967e8UL, RngStreams.StableHash("foobar"));
    }

    [Fact]
    public void StableHash_GoldenValue()
    {
        // Computed once by an independent FNV-1a implementation; must never change, or every
        // stream of every recorded experiment would shift.
        Assert.Equal(0x6bbb321296c396d5UL, RngStreams.StableHash("vm0/vcpu0/workload"));
    }

    [Fact]
    public void StableHash_HashesUtf8Bytes()
    {
        // "é" is two UTF-8 bytes, C3 A9.
        ulong h = 0xcbf29ce484222325UL;
        foreach (byte b in new byte[] { 0xC3, 0xA9 })
        {
            h ^= b;
            h *= 0x100000001B3UL;
        }

        Assert.Equal(h, RngStreams.StableHash("é"));
    }

    [Fact]
    public void Get_GoldenValues()
    {
        // The derivation (name, seed, replication) -> stream, pinned from an independent
        // implementation of the same formula: a change here changes every experiment's numbers.
        Assert.Equal(
            [0xd303d0a70b75c708UL, 0xc479faf4936f92d1UL, 0xafd295051499d86dUL],
            Take(new RngStreams(1, 0).Get("vm0/vcpu0/workload"), 3));
        Assert.Equal(
            [0xff560322b639c732UL, 0xad6f8c6e1178a411UL, 0xcd6dd8689a954840UL],
            Take(new RngStreams(1, 3).Get("vm0/vcpu0/workload"), 3));
    }

    [Fact]
    public void Get_KeepsTheName()
    {
        Assert.Equal("vm1/vcpu2/io", new RngStreams(5).Get("vm1/vcpu2/io").Name);
        var streams = new RngStreams(5, 2);
        Assert.Equal(5UL, streams.Seed);
        Assert.Equal(2, streams.Replication);
    }

    [Fact]
    public void SameSeedReplicationAndName_GiveTheSameSequence()
    {
        var a = new RngStreams(123, 4).Get("vm0/vcpu3/workload");
        var b = new RngStreams(123, 4).Get("vm0/vcpu3/workload");
        Assert.Equal(Take(a, 1000), Take(b, 1000));

        // Asking the same RngStreams twice also gives a fresh stream from the start.
        var streams = new RngStreams(123, 4);
        Assert.Equal(Take(streams.Get("x"), 100), Take(streams.Get("x"), 100));
    }

    [Fact]
    public void DifferentNamesSeedsOrReplications_GiveDifferentSequences()
    {
        var sequences = new List<(string What, ulong[] Values)>
        {
            ("base", Take(new RngStreams(1, 0).Get("vm0/vcpu0/workload"), 16)),
            ("name", Take(new RngStreams(1, 0).Get("vm0/vcpu1/workload"), 16)),
            ("name2", Take(new RngStreams(1, 0).Get("vm1/vcpu0/workload"), 16)),
            ("seed", Take(new RngStreams(2, 0).Get("vm0/vcpu0/workload"), 16)),
            ("replication", Take(new RngStreams(1, 1).Get("vm0/vcpu0/workload"), 16)),
            ("replication2", Take(new RngStreams(1, 2).Get("vm0/vcpu0/workload"), 16)),
            ("seed+rep", Take(new RngStreams(2, 1).Get("vm0/vcpu0/workload"), 16)),
        };

        for (int i = 0; i < sequences.Count; i++)
        {
            for (int j = i + 1; j < sequences.Count; j++)
            {
                // Not merely unequal: no value in common at all (64-bit collisions are negligible).
                Assert.False(
                    sequences[i].Values.Intersect(sequences[j].Values).Any(),
                    $"{sequences[i].What} and {sequences[j].What} share values");
            }
        }
    }

    [Fact]
    public void ManyNamesAndReplications_AllDiffer()
    {
        var firsts = new HashSet<ulong>();
        for (int rep = 0; rep < 20; rep++)
        {
            var streams = new RngStreams(777, rep);
            for (int vm = 0; vm < 10; vm++)
            {
                for (int vcpu = 0; vcpu < 10; vcpu++)
                {
                    Assert.True(firsts.Add(streams.Get($"vm{vm}/vcpu{vcpu}/workload").NextUInt64()));
                }
            }
        }
    }

    [Fact]
    public void StreamValues_DoNotDependOnCreationOrderOrOtherStreams()
    {
        string[] names = ["vm0/vcpu0/workload", "vm0/vcpu1/workload", "host/irq", "vm1/vcpu0/io", "net"];

        var forward = new RngStreams(42, 3);
        var inOrder = names.ToDictionary(n => n, n => forward.Get(n));
        var firstValues = names.ToDictionary(n => n, n => Take(inOrder[n], 50));

        // A different RngStreams, streams created in reverse order, with extra streams created
        // (and drawn from) in between.
        var reverse = new RngStreams(42, 3);
        var other = new Dictionary<string, RngStream>();
        foreach (string n in Enumerable.Reverse(names))
        {
            Take(reverse.Get("noise/" + n), 17);
            other[n] = reverse.Get(n);
            Take(reverse.Get("more-noise"), 3);
        }

        // Drawing interleaved across streams does not disturb any one of them either.
        var interleaved = names.ToDictionary(n => n, _ => new List<ulong>());
        for (int i = 0; i < 50; i++)
        {
            foreach (string n in names)
            {
                interleaved[n].Add(other[n].NextUInt64());
            }
        }

        foreach (string n in names)
        {
            Assert.Equal(firstValues[n], interleaved[n]);
        }
    }

    [Fact]
    public void NegativeReplication_IsAllowedAndDistinct()
    {
        var a = Take(new RngStreams(9, -1).Get("x"), 8);
        var b = Take(new RngStreams(9, 1).Get("x"), 8);
        Assert.NotEqual(a, b);
    }
}
