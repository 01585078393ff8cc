using System.Text.RegularExpressions;
using KvmLab.Model.Hardware;
using KvmLab.Model.Hardware.ProfileFiles;
using KvmLab.RealKvm.Calibration;

namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>
/// The inputs the fuzzer mutates, copied into a scratch directory: every shipped scenario with
/// its duration cut to 10 ms and its warm-up to at most 1 ms (so a mutant that is still valid runs
/// in milliseconds; every other key is the shipped one), every shipped sweep beside them (their
/// relative 'scenario:' paths then find the shortened copies), a cost profile written by
/// <see cref="ProfileFile"/>, and command lines around them. Mutants are drawn from these by a
/// seeded <see cref="Random"/>: the same seed and count give the same mutants.
/// </summary>
public sealed partial class FuzzCorpus
{
    private readonly List<(string Name, string Text)> _scenarios = [];
    private readonly List<(string Name, string Text)> _sweeps = [];
    private readonly string _profile;

    public FuzzCorpus(string root, string scratch)
    {
        Scratch = scratch;
        Directory.CreateDirectory(Path.Combine(scratch, "scenarios"));
        Directory.CreateDirectory(Path.Combine(scratch, "sweeps"));
        Directory.CreateDirectory(Path.Combine(scratch, "mutants"));
        foreach (string f in Directory.GetFiles(Path.Combine(root, "scenarios"), "*.yaml").Order(StringComparer.Ordinal))
        {
            string text = Shorten(File.ReadAllText(f));
            File.WriteAllText(Path.Combine(scratch, "scenarios", Path.GetFileName(f)), text);
            _scenarios.Add((Path.GetFileName(f), text));
        }

        foreach (string f in Directory.GetFiles(Path.Combine(root, "sweeps"), "*.yaml").Order(StringComparer.Ordinal))
        {
            _sweeps.Add((Path.GetFileName(f), File.ReadAllText(f)));
        }

        _profile = ProfileFile.Write(Calibrator.Calibrate([], 2_400_000, Profiles.SkylakeSp2020(), "fuzz corpus"));
        File.WriteAllText(Path.Combine(scratch, "profile.json"), _profile);
    }

    public string Scratch { get; }

    public int ScenarioCount => _scenarios.Count;

    public int SweepCount => _sweeps.Count;

    /// <summary>A valid shortened scenario to pair with profile and command-line mutants.</summary>
    public string KutIpi => Path.Combine(Scratch, "scenarios", "kut-ipi.yaml");

    public IReadOnlyList<Mutant> Draw(int count, int seed)
    {
        var rng = new Random(seed);
        var list = new List<Mutant>(count);
        for (int i = 0; i < count; i++)
        {
            // Scenarios 60%, sweeps 15%, profiles 10%, command lines 15%.
            int r = rng.Next(100);
            list.Add(r < 60 ? FileMutant(i, MutantFamily.Scenario, _scenarios[rng.Next(_scenarios.Count)], rng)
                : r < 75 ? FileMutant(i, MutantFamily.Sweep, _sweeps[rng.Next(_sweeps.Count)], rng)
                : r < 85 ? FileMutant(i, MutantFamily.Profile, ("profile.json", _profile), rng)
                : CommandLines.Draw(i, this, rng));
        }

        return list;
    }

    private Mutant FileMutant(int index, MutantFamily family, (string Name, string Text) source, Random rng)
    {
        var (text, kind, description, line, column) = Mutator.Mutate(source.Text, rng);
        string ext = family == MutantFamily.Profile ? "json" : "yaml";
        string dir = family == MutantFamily.Sweep ? "sweeps" : "mutants";
        string file = Path.Combine(Scratch, dir, $"m{index:D5}-{Path.GetFileNameWithoutExtension(source.Name)}.{ext}");
        string[] args = family switch
        {
            MutantFamily.Scenario => ["run", file, "--json", "--max-memory", MutantRunner.MemoryLimitText],
            MutantFamily.Sweep => ["sweep", file, "--out", Path.Combine(Scratch, "out", $"m{index:D5}"), "--jobs", "1", "--shard", "0/6", "--max-memory", MutantRunner.MemoryLimitText],
            _ => ["run", KutIpi, "--json", "--profile", file],
        };
        return new Mutant(index, family, source.Name, kind, description, text, args, line, column) { File = file };
    }

    private static string Shorten(string yaml)
    {
        string s = Duration().Replace(yaml, "duration: 10ms", 1);
        return Warmup().Replace(s, m => m.Groups[1].Value is "0ms" or "0" ? m.Value : "warmup: 1ms", 1);
    }

    [GeneratedRegex(@"^duration: .*$", RegexOptions.Multiline)]
    private static partial Regex Duration();

    [GeneratedRegex(@"^warmup: (\S+).*$", RegexOptions.Multiline)]
    private static partial Regex Warmup();
}
