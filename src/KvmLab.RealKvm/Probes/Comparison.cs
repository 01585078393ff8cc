namespace KvmLab.RealKvm.Probes;

/// <summary>An A-versus-B judgement: medians, the B/A median ratio with its bootstrap 95% CI, the Mann-Whitney p-value and the verdict.</summary>
public sealed record Comparison(string A, string B, double MedianA, double MedianB, double Ratio, double RatioLow, double RatioHigh, double PValue, string Verdict);
