using KvmLab.Cli.Tests.Slurm;

namespace KvmLab.Cli.Tests.Kubernetes;

/// <summary>A fact that needs kubectl on PATH (no cluster): skipped, with the reason, where it is missing.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Shell.Find("kubectl") is null)
        {
            Skip = "needs kubectl (only the client; no cluster is contacted)";
        }
    }
}
