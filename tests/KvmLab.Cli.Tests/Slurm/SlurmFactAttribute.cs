namespace KvmLab.Cli.Tests.Slurm;

/// <summary>
/// A fact that needs a local Slurm (slurmctld, slurmd, sbatch) and MUNGE. It runs where they are
/// installed or can be (apt-get with root or passwordless sudo: the test installs Debian's
/// slurm-wlm and munge), and is skipped, with the reason, only where neither holds.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public static readonly string[] Programs = ["slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "sinfo", "munged"];

    public SlurmFactAttribute()
    {
        // CI sets KVMLAB_REQUIRE_SLURM=1: there a skip would hide a missing install step, so the test runs and fails with the reason.
        if (Unavailable() is string reason && Environment.GetEnvironmentVariable("KVMLAB_REQUIRE_SLURM") != "1")
        {
            Skip = $"needs Slurm and MUNGE: {reason}";
        }
    }

    public static bool Installed => Programs.All(p => Shell.Find(p) is not null);

    /// <summary>Null when the test can run (installed, or installable here); else why not.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (Installed)
        {
            return Shell.IsRoot || CanSudo ? null : "the daemons run as root: not root and no passwordless sudo";
        }

        if (Shell.Find("apt-get") is null)
        {
            return $"{string.Join(", ", Programs.Where(p => Shell.Find(p) is null))} not installed and no apt-get to install slurm-wlm and munge";
        }

        return Shell.IsRoot || CanSudo ? null : "slurm-wlm and munge are not installed, and installing them needs root or passwordless sudo";
    }

    /// <summary>"sudo -n" for root's commands when not root, else nothing.</summary>
    public static IReadOnlyList<string> AsRoot => Shell.IsRoot ? [] : ["sudo", "-n"];

    private static bool CanSudo => Shell.Find("sudo") is not null && Shell.Run("sudo", ["-n", "true"], timeoutSeconds: 10).Code == 0;
}
