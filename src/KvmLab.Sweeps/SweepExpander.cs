using System.Security.Cryptography;
using System.Text;
using KvmLab.Scenarios;
using YamlDotNet.RepresentationModel;

namespace KvmLab.Sweeps;

/// <summary>
/// Expands a sweep into its points, deterministically: the cartesian product of the axes in file
/// order (first axis slowest), each combination times the replications. Every combination is
/// built as YAML and read by <see cref="ScenarioLoader"/>, so a value the scenario would refuse is
/// refused here, before anything runs, with the sweep file's line.
/// </summary>
public static class SweepExpander
{
    /// <summary>
    /// A sweep larger than this is almost surely a typo in the grid; expanding it also holds every
    /// point's scenario in memory at once (a few KiB each), so ten million points would not fit.
    /// </summary>
    public const int MaxPoints = 1_000_000;

    /// <param name="parallelism">Cores used to build and validate the combinations (the result does not depend on it).</param>
    public static IReadOnlyList<SweepPoint> Expand(SweepSpec sweep, int parallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        // Saturating: twenty axes of ten values would overflow a long.
        long combos = sweep.Axes.Aggregate(1L, (n, a) => Math.Min(n * a.Values.Count, MaxPoints + 1L));
        if (combos * sweep.Replications > MaxPoints)
        {
            string count = combos > MaxPoints ? $"more than {MaxPoints} points" : $"{combos * sweep.Replications} points is more than {MaxPoints}";
            throw new ScenarioException(sweep.File, sweep.Axes.Count > 0 ? sweep.Axes[0].Line : 1, "grid", $"{count}; split the sweep");
        }

        // Building and validating a combination reads YAML twice; spread that over the cores too
        // (it is the only serial part of a sweep otherwise). Errors are reported for the first
        // combination in order that has one, so the message does not depend on the scheduling.
        var specs = new ScenarioSpec[combos];
        var errors = new ScenarioException?[combos];
        var choices = new int[combos][];
        Parallel.For(0, combos, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, c =>
        {
            // Odometer: the last axis varies fastest.
            var choice = new int[sweep.Axes.Count];
            long rest = c;
            for (int a = sweep.Axes.Count - 1; a >= 0; a--)
            {
                choice[a] = (int)(rest % sweep.Axes[a].Values.Count);
                rest /= sweep.Axes[a].Values.Count;
            }

            choices[c] = choice;
            try
            {
                specs[c] = Build(sweep, choice);
            }
            catch (ScenarioException e)
            {
                errors[c] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first)
        {
            throw first;
        }

        var points = new List<SweepPoint>();
        for (long c = 0; c < combos; c++)
        {
            int[] choice = choices[c];
            ScenarioSpec spec = specs[c];
            string hash = ScenarioHash.Of(spec);
            var parameters = sweep.Axes.Select((a, i) => new KeyValuePair<string, string>(a.Path.Text, a.Values[choice[i]].Display)).ToList();
            string canonical = string.Join("\n", sweep.Axes
                .Select((a, i) => a.Path.Text + "=" + a.Values[choice[i]].Canonical)
                .Order(StringComparer.Ordinal));
            for (int r = 0; r < sweep.Replications; r++)
            {
                points.Add(new SweepPoint
                {
                    Index = points.Count,
                    Id = IdOf(canonical, r),
                    Replication = r,
                    Parameters = parameters,
                    Scenario = spec,
                    ScenarioHash = hash,
                });
            }
        }

        return points;
    }

    /// <summary>The first 12 hex digits of SHA-256 over the sorted "path=value" lines and the replication.</summary>
    public static string IdOf(string canonicalParameters, int replication)
    {
        byte[] h = SHA256.HashData(Encoding.UTF8.GetBytes(canonicalParameters + "\nreplication=" + replication.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(h)[..12];
    }

    private static ScenarioSpec Build(SweepSpec sweep, int[] choice)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(sweep.ScenarioText));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        for (int a = 0; a < sweep.Axes.Count; a++)
        {
            SweepAxis axis = sweep.Axes[a];
            SweepValue v = axis.Values[choice[a]];
            if (axis.Path.Set(root, YamlNodes.Clone(v.Node)) is { } problem)
            {
                throw new ScenarioException(sweep.File, axis.Line, "grid." + axis.Path.Text, problem);
            }
        }

        var text = new StringWriter();
        stream.Save(text, assignAnchors: false);
        try
        {
            return ScenarioLoader.Parse(text.ToString(), sweep.ScenarioFile);
        }
        catch (ScenarioException e)
        {
            // Blame the value whose path the scenario's complaint names, else the first axis.
            string problem = e.Key.Length > 0 ? e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..] : e.Message;
            int blame = -1;
            for (int a = 0; a < sweep.Axes.Count; a++)
            {
                string p = sweep.Axes[a].Path.Text;
                if (e.Key == p || e.Key.StartsWith(p + ".", StringComparison.Ordinal) || e.Key.StartsWith(p + "[", StringComparison.Ordinal) || p.StartsWith(e.Key, StringComparison.Ordinal))
                {
                    blame = a;
                    break;
                }
            }

            string point = string.Join(", ", sweep.Axes.Select((x, i) => $"{x.Path.Text}={x.Values[choice[i]].Canonical}"));
            if (blame < 0)
            {
                throw new ScenarioException(sweep.File, sweep.Axes.Count > 0 ? sweep.Axes[0].Line : 1, "grid",
                    $"the point ({point}) is not a valid scenario: {problem}");
            }

            SweepValue bad = sweep.Axes[blame].Values[choice[blame]];
            throw new ScenarioException(sweep.File, bad.Line, "grid." + sweep.Axes[blame].Path.Text,
                $"value {bad.Canonical} makes an invalid scenario (point {point}): {problem}");
        }
    }
}
