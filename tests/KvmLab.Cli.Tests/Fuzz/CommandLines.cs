namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>
/// Command-line mutants: each command with option values out of range, of the wrong form, or
/// naming paths of the wrong kind. Values that would start a long real run (valid probe sample
/// counts, a valid --report directory for reproduce --all) are left out; everything else may be valid.
/// </summary>
public static class CommandLines
{
    private static readonly string[] Numbers = ["0", "-1", "-5", "19", "100001", "4294967297", "18446744073709551616", "abc", "1.5", "", "1e3", "NaN", "2"];

    public static Mutant Draw(int index, FuzzCorpus corpus, Random rng)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(rng);
        string s = corpus.Scratch;
        string kut = corpus.KutIpi;
        string sweep = Path.Combine(s, "sweeps", "cli-sweep.yaml");
        if (!File.Exists(sweep))
        {
            File.WriteAllText(sweep, "name: cli\nscenario: ../scenarios/kut-ipi.yaml\ngrid:\n  seed: [1, 2]\n");
        }

        string broken = Path.Combine(s, "broken.json");
        if (!File.Exists(broken))
        {
            File.WriteAllText(broken, "{\"format\": ");
        }

        string N() => Numbers[rng.Next(Numbers.Length)];
        string P() => new[]
        {
            s, Path.Combine(s, "missing", "deeper", "file.json"), Path.Combine(kut, "under-a-file.json"), "", Path.Combine(s, "fresh.json"),
            "/proc/version", Path.Combine(s, "scenarios"), Path.Combine(s, "victim.txt"), "bad\0name",
        }[rng.Next(9)];
        string[][] templates =
        [
            ["run", kut, "--seed", N()],
            ["run", kut, "--max-memory", new[] { "0", "-1", "10Q", "1e300", "abc", "1B", "1K", "8G", "9999999999E", "1.5G", "" }[rng.Next(11)]],
            ["run", kut, "--trace", P()],
            ["run", kut, "--profile", new[] { Path.Combine(s, "nope.json"), s, broken, kut, Path.Combine(s, "profile.json") }[rng.Next(5)]],
            ["run", P()],
            ["run"],
            [],
            ["run", kut, "--frobnicate"],
            ["run", kut, "extra-argument"],
            ["calibrate", "--samples", N(), "--out", P()],
            ["calibrate", "--samples", "0", "--out", P()],
            ["validate", "--samples", N()],
            ["validate", "--samples", N(), "--profile", new[] { broken, Path.Combine(s, "nope.json") }[rng.Next(2)]],
            ["probe", "--samples", N()],
            ["probe", "--suite", "nope"],
            ["sweep", sweep, "--jobs", N(), "--out", Path.Combine(s, "out", $"cli{index}")],
            ["sweep", sweep, "--shard", new[] { "1/0", "5/4", "a/b", "-1/4", "0/4294967297", "0/1", "3", "" }[rng.Next(8)], "--out", Path.Combine(s, "out", $"cli{index}")],
            ["sweep", sweep, "--out", new[] { kut, "/proc/version", Path.Combine(kut, "x") }[rng.Next(3)]],
            ["sweep", sweep, "--max-memory", new[] { "1K", "0", "x" }[rng.Next(3)], "--out", Path.Combine(s, "out", $"cli{index}")],
            ["reproduce", "--all", "--report", new[] { kut, Path.Combine(kut, "sub"), "/proc/version" }[rng.Next(3)]],
            ["reproduce", "nope"],
            ["reproduce", "--scenario", kut],
            ["reproduce", "nvme-qd1-ladder", "--scenario", kut],
            ["plot", Path.Combine(s, "nope.csv"), "--x", "a", "--y", "b", "--out", new[] { "x.txt", Path.Combine(s, "p.svg") }[rng.Next(2)]],
            ["merge", Path.Combine(s, "nope"), "--out", P()],
            ["list", "--frobnicate"],
        ];
        string[] args = templates[rng.Next(templates.Length)];
        return new Mutant(index, MutantFamily.CommandLine, args.Length == 0 ? "(none)" : args[0], "command-line",
            "kvmlab " + string.Join(' ', args.Select(a => a.Length == 0 ? "''" : a.Replace(s, "$SCRATCH", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal))), null, args);
    }
}
