namespace KvmLab.Calibration;

/// <summary>One predicted-versus-measured line: the simulator's median for a probe-like scenario and the probe's median.</summary>
public sealed record ValidationRow(string Name, string Probe, double PredictedNs, double? MeasuredNs)
{
    /// <summary>(predicted - measured) / measured, in percent; null without a measurement.</summary>
    public double? GapPercent => MeasuredNs is double m && m > 0 ? (PredictedNs - m) / m * 100 : null;
}
