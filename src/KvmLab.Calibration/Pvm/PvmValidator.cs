using KvmLab.Calibration.Catalog;
using KvmLab.Calibration.Fit;
using KvmLab.Model.Hardware;

namespace KvmLab.Calibration.Pvm;

/// <summary>
/// Validates a PVM profile against a probe run (issue 13 item 6): the run becomes a measured-here
/// catalog (<see cref="ProbeCatalogWriter"/>), each probe is predicted by
/// <see cref="PvmProbeModel"/> on the profile as given, and <see cref="CostFit"/> fits the
/// profile's free costs to the run with leave-one-out, so each probe also gets the prediction of a
/// fit that never saw it. The profile's measured fields (the microbenchmark's instruction classes,
/// the host timer path) are never fitted.
/// </summary>
public static class PvmValidator
{
    public static PvmValidation Validate(CostProfile profile, ProbeRunFile run)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(run);
        if (profile.Vendor != CpuVendor.Pvm)
        {
            throw new ArgumentException($"profile '{profile.Id}' is not a PVM profile", nameof(profile));
        }

        MeasurementCatalog catalog = ProbeCatalogWriter.Catalog(run, profile.Id);
        FitResult fit = CostFit.Run([catalog], profile);
        var byId = catalog.Entries.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var rows = new List<ProbeValidationRow>();
        foreach (FitEntryRow r in fit.Entries.Where(r => !r.IsBound && !r.IsFixed))
        {
            string probe = byId[r.Id].Quantity["probe.".Length..];
            rows.Add(new ProbeValidationRow(probe, r.Measured, r.Prior, r.Fitted, r.LeaveOneOut, PvmProbeModel.NoiseDominated(probe)));
        }

        var skipped = new List<SkippedEntry>(fit.Skipped);
        skipped.AddRange(catalog.Entries.Where(e => e.Use == EntryUse.Context).Select(e => new SkippedEntry(e.Id, e.Quantity, e.Note ?? "context")));
        return new PvmValidation
        {
            ProfileId = profile.Id,
            Measurements = run.File,
            Rows = rows,
            Skipped = skipped,
            Fit = fit,
        };
    }
}
