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

        string kvmlab = Wrapper();
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

    [SlurmFact]
    public void ScancelledTask_LeavesItsTableAndResubmittedResumesToTheSameBytes()
    {
        EnsureInstalled();
        using LocalSlurmCluster cluster = LocalSlurmCluster.Start(Path.Combine(_tmp, "cluster"));
        string kvmlab = Wrapper();
        // Points of ~0.3 s each, so the task is still running when it is cancelled.
        File.WriteAllText(Path.Combine(_tmp, "base.yaml"), File.ReadAllText(RepoPaths.Scenario("kut-ipi.yaml")).Replace("duration: 10ms", "duration: 150ms", StringComparison.Ordinal));
        string sweep = Path.Combine(_tmp, "long.yaml");
        File.WriteAllText(sweep, "name: long\nscenario: base.yaml\ngrid:\n  seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]\n");
        string outDir = Path.Combine(_tmp, "out");
        string logs = Path.Combine(_tmp, "logs");
        Directory.CreateDirectory(logs);
        var env = new Dictionary<string, string>(cluster.Env) { ["KVMLAB"] = kvmlab };
        string[] submit = ["--parsable", "--array=0-1", "--cpus-per-task=1", "--mem=256M", $"--output={logs}/task-%A_%a.log", $"--chdir={_tmp}",
            Path.Combine(RepoPaths.Root, "deploy", "slurm-sweep.sh"), sweep, outDir];
        Shell.Result first = Shell.Run(Shell.Find("sbatch")!, submit, env);
        Assert.True(first.Code == 0, $"sbatch: {first}\n{cluster.Logs}");
        string id = first.Out.Trim().Split(';')[0];

        // scancel once task 0 has journaled a point: Slurm sends SIGTERM (then SIGKILL after KillWait).
        string journal = Path.Combine(outDir, "shard-0", "points-shard-0-of-2.jsonl");
        var until = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < until && !(File.Exists(journal) && new FileInfo(journal).Length > 0))
        {
            Thread.Sleep(100);
        }

        Assert.True(File.Exists(journal), $"task 0 journaled nothing in 2 minutes\n{JobLogs(logs)}\n{cluster.Logs}");
        Assert.Equal(0, cluster.Client("scancel", id).Code);
        WaitUntilDone(cluster, [id], logs);
        string log = File.ReadAllText(Path.Combine(logs, $"task-{id}_0.log"));
        Assert.True(log.Contains("SIGTERM: letting the points in flight finish", StringComparison.Ordinal)
            && log.Contains("run the same command again to resume", StringComparison.Ordinal), $"{log}\n{cluster.Logs}");
        int journaled = File.ReadAllLines(journal).Length;
        Assert.InRange(journaled, 1, 9);
        Assert.Equal(journaled + 1, File.ReadAllLines(Path.Combine(outDir, "shard-0", "results-shard-0-of-2.csv")).Length);

        // The same array again (what --requeue does after a preemption): both tasks resume and finish.
        Shell.Result again = Shell.Run(Shell.Find("sbatch")!, submit, env);
        Assert.True(again.Code == 0, again.ToString());
        string againId = again.Out.Trim().Split(';')[0];
        WaitUntilDone(cluster, [againId], logs);
        Assert.Contains($"already done", File.ReadAllText(Path.Combine(logs, $"task-{againId}_0.log")), StringComparison.Ordinal);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Assert.Equal(0, KvmLabCli.Run(["merge", Path.Combine(outDir, "shard-0"), Path.Combine(outDir, "shard-1"), "--out", Path.Combine(_tmp, "merged.csv")], o, e));
        Assert.Equal(0, KvmLabCli.Run(["sweep", sweep, "--out", Path.Combine(_tmp, "whole"), "--jobs", "2"], o, e));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_tmp, "whole", "results.csv")), File.ReadAllBytes(Path.Combine(_tmp, "merged.csv")));
    }

    /// <summary>What the script runs as $KVMLAB: this build's kvmlab (the published binary on a real cluster).</summary>
    private string Wrapper()
    {
        string kvmlab = Path.Combine(_tmp, "kvmlab");
        File.WriteAllText(kvmlab, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "kvmlab.dll")}' \"$@\"\n");
        File.SetUnixFileMode(kvmlab, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return kvmlab;
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
