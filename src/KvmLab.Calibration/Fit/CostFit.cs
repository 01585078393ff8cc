using KvmLab.Calibration.Catalog;
using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Scenarios;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace KvmLab.Calibration.Fit;

/// <summary>
/// Fits a profile's free costs (the estimates) to a measurement catalog (issue 13, item 4).
/// Each free cost is a log factor on its estimate, bounded to [1/4, 4] times it (the estimate's
/// stated uncertainty; a catalog bound such as "one VMX transition is 600+ cycles" enters as a
/// one-sided residual). The objective is the sum of squared log errors over the fit entries plus
/// a weak pull toward the estimates (so a cost no entry informs keeps its estimate instead of
/// wandering). Gauss-Newton: the Jacobian by forward differences on the real simulator, each
/// step solved with Math.NET's bounded BFGS on the linearized objective, the new point run again.
/// Leave-one-out: each entry is predicted by the simulator at the fit made without it.
/// </summary>
public static class CostFit
{
    /// <summary>The estimates' band: a fitted cost stays within a factor of this of its estimate.</summary>
    public const double Band = 4.0;

    /// <summary>
    /// Weight of the pull toward the estimates against the entries' squared log errors: the ratio
    /// of a measurement's spread (about 5%, so 0.05 squared) to an estimate's (a factor of 2, ln 2
    /// squared), as a Gaussian prior in log space would weigh them.
    /// </summary>
    public const double Prior = 0.005;

    /// <summary>An entry informs a cost when 10% on the cost moves the entry's prediction by this much (relative).</summary>
    public const double InformThreshold = 0.002;

    private const double Step = 0.05;
    private const int Iterations = 3;
    private const int MaxHalvings = 4;
    private const double BoundWeight = 10;

    /// <param name="fitRelatedTargets">Also fit entries that share an experiment's patch series (never its result); off for a strict fit.</param>
    public static FitResult Run(IReadOnlyList<MeasurementCatalog> catalogs, CostProfile prior, bool fitRelatedTargets = true, int jobs = 1, Action<string>? progress = null)
    {
        (List<(MeasurementEntry Entry, EntryModel.Plan Plan, bool Bound)> rows, List<SkippedEntry> skipped) = SelectEntries(catalogs, prior, fitRelatedTargets);
        FitResult r = Run(rows, prior, string.Join(", ", catalogs.Select(c => c.File)), skipped, jobs, progress);
        if (catalogs[0].SameMicroarchitectureAs is { } same)
        {
            r = r with
            {
                Transfer = $"{same} entries are targets too (same microarchitecture: {catalogs[0].SameMicroarchitectureReason}); "
                    + $"their cycle counts carry over at this part's {prior.TscGhz.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture)} GHz",
            };
        }

        return r;
    }

    /// <summary>
    /// The entries a fit of the first catalog's platform uses (targets and bounds, each with the plan
    /// that runs it in the model) and the ones it leaves out with the reason; no fitting yet.
    /// </summary>
    public static (List<(MeasurementEntry Entry, EntryModel.Plan Plan, bool Bound)> Rows, List<SkippedEntry> Skipped) SelectEntries(
        IReadOnlyList<MeasurementCatalog> catalogs, CostProfile prior, bool fitRelatedTargets = true)
    {
        ArgumentNullException.ThrowIfNull(catalogs);
        ArgumentNullException.ThrowIfNull(prior);
        if (catalogs.Count > 0 && catalogs[0].SameMicroarchitectureAs is { } sameAs && !catalogs.Any(c => c.Platform == sameAs))
        {
            throw new ScenarioException(catalogs[0].File, 1, "same_microarchitecture_as",
                $"names '{sameAs}', but no --catalog of platform '{sameAs}' was given (add its catalog)");
        }

        var skipped = new List<SkippedEntry>();
        var rows = new List<(MeasurementEntry Entry, EntryModel.Plan Plan, bool Bound)>();
        foreach ((MeasurementCatalog c, MeasurementEntry e) in catalogs.SelectMany(c => c.Entries.Select(e => (c, e))))
        {
            bool bound = e.Use == EntryUse.Bound || e.Bound;
            bool target = c.Platform == catalogs[0].Platform
                || (c.Platform is not null && c.Platform == catalogs[0].SameMicroarchitectureAs);
            if (!target && !bound)
            {
                continue; // another part's measurement bounds this platform's costs but is not a target for them
            }

            if (e.Use is EntryUse.Context || (e.Use == EntryUse.Fixed && !bound && EntryModel.For(e, prior.Id, out _) is null))
            {
                continue;
            }

            if (!fitRelatedTargets && e.RelatedTarget is not null)
            {
                skipped.Add(new SkippedEntry(e.Id, e.Quantity, $"shares the patch series of {e.RelatedTarget} (strict fit)"));
                continue;
            }

            if (bound && e.BoundKind is not ("lower" or "upper"))
            {
                // A bound with no side would silently become a lower one; another part's figure can bound
                // either way (an older part is usually slower, but mitigations changed that), so say so.
                skipped.Add(new SkippedEntry(e.Id, e.Quantity, "a bound without bound_kind (lower or upper): not used"));
                continue;
            }

            if (EntryModel.For(e, prior.Id, out string? why) is { } plan)
            {
                try
                {
                    _ = Evaluate(plan, prior);
                    rows.Add((e, plan, bound));
                }
                catch (KeyNotFoundException)
                {
                    skipped.Add(new SkippedEntry(e.Id, e.Quantity, $"the model's scenario for it takes no such exit ({plan.Metric})"));
                }
            }
            else
            {
                skipped.Add(new SkippedEntry(e.Id, e.Quantity, why ?? "not modelled"));
            }
        }

        return (rows, skipped);
    }

    /// <summary>The fit over entries whose plans are given (the catalog path above, or a test's synthetic plans).</summary>
    public static FitResult Run(IReadOnlyList<(MeasurementEntry Entry, EntryModel.Plan Plan, bool Bound)> rows, CostProfile prior, string catalog,
        IReadOnlyList<SkippedEntry> skipped, int jobs = 1, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(prior);

        CostField[] free = [.. CostFields.All.Where(f => prior.SourceOf(f.Name).Kind != SourceKind.Measured && f.Get(prior).Ns > 0)];
        int runs = 0;
        double[] Predict(double[] theta)
        {
            CostProfile p = Apply(prior, free, theta);
            var y = new double[rows.Count];
            Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, i =>
            {
                y[i] = Evaluate(rows[i].Plan, p);
            });
            runs += rows.Count(r => r.Plan.Scenario is not null);
            return y;
        }

        double Residual(int i, double y)
        {
            (MeasurementEntry e, _, bool bound) = rows[i];
            double r = Math.Log(Math.Max(y, 1e-9) / e.Value);
            if (!bound)
            {
                return r;
            }

            // A lower bound is violated only below it, an upper one only above.
            return BoundWeight * (e.BoundKind == "upper" ? Math.Max(0, r) : Math.Min(0, r));
        }

        int n = free.Length;
        double[] lo = [.. Enumerable.Repeat(-Math.Log(Band), n)];
        double[] hi = [.. Enumerable.Repeat(Math.Log(Band), n)];
        double[] theta = new double[n];
        double[] y0 = Predict(theta);
        double[] yPrior = y0;
        Matrix<double> jac = Matrix<double>.Build.Dense(rows.Count, n);
        for (int it = 0; it < Iterations; it++)
        {
            progress?.Invoke($"iteration {it + 1}/{Iterations}: Jacobian over {n} fields x {rows.Count} entries");
            jac = Jacobian(Predict, theta, y0, Residual);
            double[] r0 = [.. y0.Select((y, i) => Residual(i, y))];
            double[] proposed = Solve(jac, r0, theta, lo, hi, Enumerable.Range(0, rows.Count).ToHashSet());

            // The linearization is a guess about a simulator that is not linear: a step is taken only
            // when a real run agrees it lowers the objective, else halved (backtracking), and the fit
            // stops where no step helps. Without this the full step can end far worse than the start.
            double j0 = Objective(y0, theta);
            bool improved = false;
            for (int half = 0; half < MaxHalvings && !improved; half++)
            {
                double scale = Math.Pow(0.5, half);
                double[] candidate = [.. theta.Select((t, c) => t + (scale * (proposed[c] - t)))];
                double[] y = Predict(candidate);
                if (Objective(y, candidate) < j0)
                {
                    (theta, y0, improved) = (candidate, y, true);
                }
            }

            if (!improved)
            {
                break;
            }
        }

        double Objective(double[] y, double[] t) =>
            y.Select((v, i) => Math.Pow(Residual(i, v), 2)).Sum() + (Prior * t.Sum(x => x * x));

        // Leave-one-out: the fit without entry k (the same linearization, solved again), run for real.
        double[] rFit = [.. y0.Select((y, i) => Residual(i, y))];
        var loo = new double[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            progress?.Invoke($"leave-one-out {k + 1}/{rows.Count}");
            var keep = Enumerable.Range(0, rows.Count).Where(i => i != k).ToHashSet();
            double[] thetaK = Solve(jac, rFit, theta, lo, hi, keep);
            loo[k] = Evaluate(rows[k].Plan, Apply(prior, free, thetaK));
            runs++;
        }

        CostProfile fitted = Apply(prior, free, theta);
        var fields = new List<FitFieldRow>();
        var sources = new Dictionary<string, FieldSource>(prior.Sources);
        for (int j = 0; j < n; j++)
        {
            string[] informedBy = [.. Enumerable.Range(0, rows.Count).Where(i => !rows[i].Bound && Math.Abs(jac[i, j]) * 0.1 >= InformThreshold).Select(i => rows[i].Entry.Id)];
            bool identified = informedBy.Length > 0;
            string? together = identified ? CollinearWith(jac, j, free) : null;
            double x0 = free[j].Get(prior).Ns;
            fields.Add(new FitFieldRow(free[j].Name, x0, free[j].Get(fitted).Ns, x0 / Band, x0 * Band, identified, informedBy, together));
            if (identified)
            {
                sources[free[j].Name] = FieldSource.Fitted(string.Join(", ", informedBy) + (together is null ? "" : $" (identified only together with {together})"));
            }
        }

        return new FitResult
        {
            Catalog = catalog,
            BaseProfile = prior.Id,
            Profile = fitted with { Sources = sources },
            Entries = [.. rows.Select((r, i) => new FitEntryRow(r.Entry.Id, r.Entry.Quantity, r.Entry.Unit, r.Entry.Value, yPrior[i], y0[i], loo[i], r.Bound, r.Entry.Use == EntryUse.Fixed))],
            Fields = fields,
            Skipped = skipped,
            SimulationRuns = runs,
        };
    }

    /// <summary>The model's value for a plan on a profile: run the scenario and read the metric, or read the profile.</summary>
    public static double Evaluate(EntryModel.Plan plan, CostProfile p)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Direct is { } d ? d(p) : ScenarioRunner.Run(plan.Scenario!, profileOverride: p).Metric(plan.Metric!);
    }

    private static CostProfile Apply(CostProfile prior, CostField[] free, double[] theta)
    {
        CostProfile p = prior;
        for (int j = 0; j < free.Length; j++)
        {
            if (theta[j] != 0)
            {
                p = free[j].With(p, SimSpan.FromNanoseconds(free[j].Get(prior).Ns * Math.Exp(theta[j])));
            }
        }

        return p;
    }

    /// <summary>d residual_i / d theta_j by forward differences (one run of every entry per field).</summary>
    private static Matrix<double> Jacobian(Func<double[], double[]> predict, double[] theta, double[] y0, Func<int, double, double> residual)
    {
        int m = y0.Length;
        int n = theta.Length;
        Matrix<double> j = Matrix<double>.Build.Dense(m, n);
        for (int c = 0; c < n; c++)
        {
            double[] t = (double[])theta.Clone();
            t[c] += Step;
            double[] y = predict(t);
            for (int i = 0; i < m; i++)
            {
                j[i, c] = (residual(i, y[i]) - residual(i, y0[i])) / Step;
            }
        }

        return j;
    }

    /// <summary>Minimizes the linearized objective over <paramref name="rowsUsed"/> within the bounds (bounded BFGS).</summary>
    private static double[] Solve(Matrix<double> jac, double[] r0, double[] theta0, double[] lo, double[] hi, HashSet<int> rowsUsed)
    {
        int n = theta0.Length;
        int[] used = [.. rowsUsed.Order()];
        Matrix<double> j = Matrix<double>.Build.Dense(used.Length, n, (i, c) => jac[used[i], c]);
        Vector<double> r = Vector<double>.Build.Dense(used.Length, i => r0[used[i]]);
        Vector<double> t0 = Vector<double>.Build.Dense(theta0);
        var objective = ObjectiveFunction.Gradient(
            t =>
            {
                Vector<double> res = r + (j * (t - t0));
                return (res * res) + (Prior * (t * t));
            },
            t =>
            {
                Vector<double> res = r + (j * (t - t0));
                return (2 * (j.TransposeThisAndMultiply(res))) + (2 * Prior * t);
            });
        var solver = new BfgsBMinimizer(1e-10, 1e-10, 1e-10, 1000);
        MinimizationResult result = solver.FindMinimum(objective, Vector<double>.Build.Dense(lo), Vector<double>.Build.Dense(hi), t0);
        return [.. result.MinimizingPoint];
    }

    /// <summary>Another free field whose column is the same direction: the catalog sees only their sum.</summary>
    private static string? CollinearWith(Matrix<double> jac, int j, CostField[] free)
    {
        Vector<double> a = jac.Column(j);
        double na = a.L2Norm();
        for (int k = 0; k < jac.ColumnCount; k++)
        {
            Vector<double> b = jac.Column(k);
            double nb = b.L2Norm();
            if (k != j && nb > 0 && na > 0 && Math.Abs(a.DotProduct(b) / (na * nb)) > 0.9999)
            {
                return free[k].Name;
            }
        }

        return null;
    }
}
