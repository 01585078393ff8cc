namespace KvmLab.Cli.Tests.Slurm;

/// <summary>
/// deploy/slurm-sweep.sh against a real Slurm: a one-node cluster on localhost runs a shipped sweep
/// as a job array (one shard per task), a job that depends on the array merges the shards the way
/// the script's header says, and the merged table equals the unsharded run byte for byte.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SlurmJobArrayTests : IDisposable
{
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-slurm-{Guid.NewGuid():N}");

    public SlurmJobArrayTests() => Directory.CreateDirectory(_tmp);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_tmp, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a job's file written as root under sudo: left in the temporary directory
        }
    }

    [SlurmFact]
    public void ShippedSweepAsAJobArray_MergedByADependentJob_EqualsTheUnshardedRun()
    {
        EnsureInstalled();
        using LocalSlurmCluster cluster = LocalSlurmCluster.Start(Path.Combine(_tmp, "cluster"));

        // What the script runs as $KVMLAB: this build's kvmlab (the published binary on a real cluster).
        string kvmlab = Path.Combine(_tmp, "kvmlab");
        File.WriteAllText(kvmlab, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "kvmlab.dll")}' \"$@\"\n");
        File.SetUnixFileMode(kvmlab, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string sweep = Path.Combine(RepoPaths.Root, "sweeps", "kut-ipi-halt-poll.yaml");
        string script = Path.Combine(RepoPaths.Root, "deploy", "slurm-sweep.sh");
        string outDir = Path.Combine(_tmp, "out");
        string logs = Path.Combine(_tmp, "logs");
        Directory.CreateDirectory(logs);
        var env = new Dictionary<string, string>(cluster.Env) { ["KVMLAB"] = kvmlab };

        // The script asks for 4 CPUs and 2 GiB per task; this node has the machine's cores. The
        // command line overrides the #SBATCH lines, as a user on a small partition would.
        Shell.Result array = Shell.Run(Shell.Find("sbatch")!, ["--parsable", "--array=0-3", "--cpus-per-task=1", "--mem=256M",
            $"--output={logs}/task-%A_%a.log", $"--chdir={_tmp}", script, sweep, outDir], env);
        Assert.True(array.Code == 0, $"sbatch: {array}\n{cluster.Logs}");
        string arrayId = array.Out.Trim().Split(';')[0];
        Shell.Result merge = Shell.Run(Shell.Find("sbatch")!, ["--parsable", $"--dependency=afterok:{arrayId}", "--mem=256M",
            $"--output={logs}/merge-%j.log", $"--chdir={_tmp}", "--wrap", $"{kvmlab} merge {outDir}/shard-* --out {outDir}/results.csv"], env);
        Assert.True(merge.Code == 0, $"sbatch merge: {merge}\n{cluster.Logs}");
        string mergeId = merge.Out.Trim().Split(';')[0];

        WaitUntilDone(cluster, [arrayId, mergeId], logs);
        foreach (string id in new[] { arrayId, mergeId })
        {
            string show = cluster.Client("scontrol", "show", "job", "-o", id).Out;
            string[] tasks = [.. show.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
            Assert.True(tasks.Length == (id == arrayId ? 4 : 1) && tasks.All(t => t.Contains("JobState=COMPLETED", StringComparison.Ordinal) && t.Contains("ExitCode=0:0", StringComparison.Ordinal)),
                $"job {id}:\n{show}\n{JobLogs(logs)}\n{cluster.Logs}");
        }

        using var o = new StringWriter();
        using var e = new StringWriter();
        Assert.Equal(0, KvmLabCli.Run(["sweep", sweep, "--out", Path.Combine(_tmp, "whole"), "--jobs", "2"], o, e));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_tmp, "whole", "results.csv")), File.ReadAllBytes(Path.Combine(outDir, "results.csv")));
        for (int i = 0; i < 4; i++)
        {
            Assert.True(File.Exists(Path.Combine(outDir, $"shard-{i}", $"results-shard-{i}-of-4.csv")), JobLogs(logs));
        }
    }

    private static void WaitUntilDone(LocalSlurmCluster cluster, string[] ids, string logs)
    {
        var until = DateTime.UtcNow.AddMinutes(4);
        string queue = "";
        while (DateTime.UtcNow < until)
        {
            queue = cluster.Client("squeue", "-h", "-j", string.Join(',', ids), "-o", "%i %T %r").Out.Trim();
            if (queue.Length == 0)
            {
                return;
            }

            Thread.Sleep(500);
        }

        Assert.Fail($"jobs still queued after 4 minutes:\n{queue}\n{JobLogs(logs)}\n{cluster.Logs}");
    }

    private static string JobLogs(string dir) => string.Join("\n", Directory.GetFiles(dir).Order(StringComparer.Ordinal)
        .Select(f => $"== {Path.GetFileName(f)}\n{string.Join("\n", File.ReadLines(f).TakeLast(20))}"));

    /// <summary>Installs Debian's slurm-wlm and munge where they are missing (the attribute checked that this can work).</summary>
    private static void EnsureInstalled()
    {
        if (SlurmFactAttribute.Installed)
        {
            return;
        }

        IReadOnlyList<string> root = SlurmFactAttribute.AsRoot;
        string[] update = [.. root, "apt-get", "update", "-qq"];
        string[] install = [.. root, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--no-install-recommends", "slurm-wlm", "munge"];
        Shell.Result u = Shell.Run(update[0], update[1..], timeoutSeconds: 300);
        Shell.Result i = Shell.Run(install[0], install[1..], timeoutSeconds: 600);
        Assert.True(SlurmFactAttribute.Installed, $"installing slurm-wlm and munge failed:\n{u}\n{i}");
    }
}
