using KvmLab.Model.Hardware;

namespace KvmLab.Calibration.Sensitivity;

/// <summary>
/// How much a metric moves per relative change of one cost: d(ln metric) / d(ln cost), by a
/// central difference. 1 means the metric is proportional to the cost; 0 that it does not
/// depend on it.
/// </summary>
public sealed record Elasticity(string Field, double Value, double CostNs, FieldSource Source, double MetricLow, double MetricHigh);
