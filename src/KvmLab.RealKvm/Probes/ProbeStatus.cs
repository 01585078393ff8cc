namespace KvmLab.RealKvm.Probes;

public enum ProbeStatus
{
    Measured,
    Skipped,
    Failed,
}
