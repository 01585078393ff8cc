using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>
/// The mutation fuzzer over the shipped scenarios and sweeps (plus cost profiles and command
/// lines): every mutant must end with exit 0, or exit 1 or 2 and one line on standard error that
/// names file:line: key for a file; no exception, no hang past the guard, no memory growth past
/// the limit, and no number accepted other than as written. The suite runs
/// <see cref="DefaultMutants"/> mutants; `scripts/fuzz.sh` (KVMLAB_FUZZ_MUTANTS=2500) runs the
/// full set and writes the report to KVMLAB_FUZZ_REPORT.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class MutationFuzzTests(ITestOutputHelper output) : IDisposable
{
    public const int DefaultMutants = 300;

    public const int Seed = 20_241_202;

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"kvmlab-fuzz-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    [Fact]
    public void Mutants_EndCleanly_WithOneLocatedLine()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("KVMLAB_FUZZ_MUTANTS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : DefaultMutants;
        var corpus = new FuzzCorpus(RepoPaths.Root, _scratch);
        IReadOnlyList<Mutant> mutants = corpus.Draw(count, Seed);
        var outcomes = new List<Outcome>(mutants.Count);
        var oracle = new Dictionary<string, int>(StringComparer.Ordinal);
        var violations = new List<string>();
        var uncheckedKeys = new List<string>();
        long peakWorkingSet = Environment.WorkingSet;
        foreach (Mutant m in mutants)
        {
            Outcome r = MutantRunner.Run(m);
            outcomes.Add(r);
            peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
            if (r.Violation is not null)
            {
                violations.Add(Describe(r));
            }

            if (r.Class == "ok" && m.Family == MutantFamily.Scenario && m.NumberLine is not null)
            {
                string verdict = TruncationOracle.Verify(m);
                string bucket = verdict is "checked" or "text" ? verdict : verdict.StartsWith("unchecked", StringComparison.Ordinal) ? "unchecked" : "violated";
                if (bucket == "unchecked")
                {
                    uncheckedKeys.Add(verdict["unchecked: ".Length..]);
                }

                oracle[bucket] = oracle.GetValueOrDefault(bucket) + 1;
                if (bucket == "violated")
                {
                    violations.Add($"#{m.Index} {m.Base} {m.Description}: silent change: {verdict}");
                }
            }
        }

        string report = Report(corpus, outcomes, oracle, violations, Math.Max(peakWorkingSet, Environment.WorkingSet))
            + $"keys the oracle could not read: {string.Join(", ", uncheckedKeys.GroupBy(k => k).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"))}\n";
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("KVMLAB_FUZZ_REPORT") is { Length: > 0 } path)
        {
            File.WriteAllText(path, report);
            File.WriteAllLines(path + ".outcomes", outcomes.Select(o =>
                $"#{o.Mutant.Index}\t{o.Mutant.Family}\t{o.Mutant.Base}\t{o.Mutant.Kind}\t{o.Mutant.Description.Replace(_scratch, "$SCRATCH", StringComparison.Ordinal)}\t{o.Class}\t{o.Exit}\t{o.Elapsed.TotalSeconds:0.000}\t"
                + o.Stderr.Trim().Replace(_scratch, "$SCRATCH", StringComparison.Ordinal).Replace('\n', '|')));
        }

        Assert.True(outcomes.Count == count, $"{outcomes.Count} of {count} mutants ran");
        Assert.True(violations.Count == 0, $"{violations.Count} violation(s):\n{string.Join("\n", violations.Take(40))}");

        // The fuzzer must reach every outcome it claims to test, or it tests less than it says.
        Assert.Contains(outcomes, o => o.Class == "ok");
        Assert.Contains(outcomes, o => o.Class == "refused" && o.Exit == 1);
        Assert.Contains(outcomes, o => o.Class == "refused" && o.Exit == 2);
    }

    private static string Describe(Outcome r) =>
        $"#{r.Mutant.Index} {r.Mutant.Family} {r.Mutant.Base} [{r.Mutant.Kind}] {r.Mutant.Description}: {r.Class}: {r.Violation} | stderr: {r.Stderr.Trim().Split('\n')[0]}";

    private static string Report(FuzzCorpus corpus, List<Outcome> outcomes, Dictionary<string, int> oracle, List<string> violations, long peak)
    {
        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.AppendLine(inv, $"mutation fuzzer: {outcomes.Count} mutants, seed {Seed}, from {corpus.ScenarioCount} scenarios and {corpus.SweepCount} sweeps (shortened to 10 ms), a cost profile and command lines");
        b.AppendLine(inv, $"guards: {MutantRunner.Guard.TotalSeconds:0} s wall clock (+{MutantRunner.Grace.TotalSeconds:0} s grace), working-set growth {MutantRunner.MemoryGuardBytes >> 20} MiB, --max-memory {MutantRunner.MemoryLimitText}");
        b.AppendLine(inv, $"outcomes: {string.Join(", ", outcomes.GroupBy(o => o.Class + (o.Exit is int e && o.Class != "ok" ? $" (exit {e})" : "")).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
        b.AppendLine(inv, $"by family: {string.Join(", ", outcomes.GroupBy(o => o.Mutant.Family).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()} (ok {g.Count(o => o.Class == "ok")})"))}");
        b.AppendLine(inv, $"by mutation: {string.Join(", ", outcomes.GroupBy(o => o.Mutant.Kind.Split('+')[0]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}");
        b.AppendLine(inv, $"scenario mutants with a replaced number that ran: {oracle.Values.Sum()}; in free text (name, description) {oracle.GetValueOrDefault("text")}, "
            + $"read back exactly {oracle.GetValueOrDefault("checked")}, on keys the oracle cannot read {oracle.GetValueOrDefault("unchecked")}, changed {oracle.GetValueOrDefault("violated")}");
        b.AppendLine(inv, $"time: total {outcomes.Sum(o => o.Elapsed.TotalSeconds):0.0} s, median {Median(outcomes):0.000} s; peak working set {peak >> 20} MiB, largest growth in one mutant {outcomes.Max(o => o.PeakGrowthBytes) >> 20} MiB");
        b.AppendLine("slowest:");
        foreach (Outcome o in outcomes.OrderByDescending(o => o.Elapsed).Take(5))
        {
            b.AppendLine(inv, $"  {o.Elapsed.TotalSeconds,6:0.000} s  #{o.Mutant.Index} {o.Mutant.Family} {o.Mutant.Base} [{o.Mutant.Kind}] {o.Mutant.Description} -> {o.Class}");
        }

        b.AppendLine("error lines by key (first 15):");
        foreach (var g in outcomes.Where(o => o.Class == "refused").GroupBy(o => Key(o.Stderr)).OrderByDescending(g => g.Count()).Take(15))
        {
            b.AppendLine(inv, $"  {g.Count(),5}  {g.Key}");
        }

        b.AppendLine(inv, $"violations: {violations.Count}");
        foreach (string v in violations.Take(100))
        {
            b.AppendLine("  " + v);
        }

        return b.ToString();
    }

    private static double Median(List<Outcome> o)
    {
        var t = o.Select(x => x.Elapsed.TotalSeconds).Order().ToList();
        return t.Count == 0 ? 0 : t[t.Count / 2];
    }

    /// <summary>"file:line: key: problem" reduced to the key (or the command's first words), to count messages by kind.</summary>
    private static string Key(string stderr)
    {
        string line = stderr.Trim().Split('\n')[0];
        var m = System.Text.RegularExpressions.Regex.Match(line, @":[0-9]+: ([^:]+):");
        if (m.Success)
        {
            return System.Text.RegularExpressions.Regex.Replace(m.Groups[1].Value, @"\[[0-9]+\]", "[i]");
        }

        string[] words = line.Split(' ');
        return string.Join(' ', words.Take(3));
    }
}
