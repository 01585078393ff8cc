using k8s;
using k8s.Models;
using KvmLab.Cli.Tests.Slurm;

namespace KvmLab.Cli.Tests.Kubernetes;

/// <summary>
/// deploy/k8s-indexed-job.yaml checked without a cluster (kubectl's --dry-run=client still asks an
/// API server for its resource list, so it cannot run offline): the manifest read into the
/// Kubernetes API models with unknown fields refused, the Job rules it depends on, and each
/// index's container command run here with the pod's environment; the shards merged equal the
/// unsharded sweep byte for byte.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class IndexedJobTests : IDisposable
{
    private static readonly string Manifest = Path.Combine(RepoPaths.Root, "deploy", "k8s-indexed-job.yaml");

    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-k8s-{Guid.NewGuid():N}");

    public IndexedJobTests() => Directory.CreateDirectory(_tmp);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static V1Job Job() => KubernetesYaml.Deserialize<V1Job>(File.ReadAllText(Manifest), strict: true);

    [Fact]
    public void Manifest_IsAValidIndexedJobWithOneShardPerIndex()
    {
        V1Job job = Job();
        Assert.Equal(("batch/v1", "Job"), (job.ApiVersion, job.Kind));
        V1JobSpec spec = job.Spec;
        Assert.Equal("Indexed", spec.CompletionMode);
        Assert.Equal(spec.Completions, spec.Parallelism);
        V1Container c = Assert.Single(spec.Template.Spec.Containers);
        Assert.Equal(spec.Completions?.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Env.Single(e => e.Name == "SHARDS").Value);
        // batch/v1 JobSpec.backoffLimitPerIndex: "It can only be set when Job's completionMode=Indexed,
        // and the Pod's restart policy is Never" (the API reference); the API server refuses it otherwise.
        if (spec.BackoffLimitPerIndex is not null)
        {
            Assert.Equal("Never", spec.Template.Spec.RestartPolicy);
        }

        Assert.Equal(["/bin/sh", "-c"], c.Command);
        Assert.Contains("/results", c.VolumeMounts.Select(m => m.MountPath));
        Assert.Contains(spec.Template.Spec.Volumes, v => v.PersistentVolumeClaim is not null && c.VolumeMounts.Any(m => m.Name == v.Name));
    }

    [Fact]
    public void Manifest_WithATypo_IsRefused()
    {
        // The strict reading is what makes the check above worth something.
        string typo = File.ReadAllText(Manifest).Replace("parallelism:", "paralelism:", StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.Deserialize<V1Job>(typo, strict: true));
    }

    [Fact]
    public void EveryIndexsCommand_RunHere_MergesToTheUnshardedSweep()
    {
        V1Job job = Job();
        V1Container c = job.Spec.Template.Spec.Containers[0];
        int n = job.Spec.Completions!.Value;
        // The image's /app/kvmlab is this build's kvmlab; its /work is this checkout; /results the shared volume.
        string kvmlab = Path.Combine(_tmp, "kvmlab");
        File.WriteAllText(kvmlab, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "kvmlab.dll")}' \"$@\"\n");
        File.SetUnixFileMode(kvmlab, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string results = Path.Combine(_tmp, "results");
        Directory.CreateDirectory(results);
        string command = Assert.Single(c.Args)
            .Replace("/app/kvmlab", kvmlab, StringComparison.Ordinal)
            .Replace("/work/", RepoPaths.Root + "/", StringComparison.Ordinal)
            .Replace("/results", results, StringComparison.Ordinal);
        for (int i = 0; i < n; i++)
        {
            var env = c.Env.ToDictionary(e => e.Name, e => e.Value);
            env["JOB_COMPLETION_INDEX"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture); // set by the Job controller
            Shell.Result r = Shell.Run(c.Command[0], [.. c.Command.Skip(1), command], env, timeoutSeconds: 120);
            Assert.True(r.Code == 0, $"index {i}: {r}");
        }

        using var o = new StringWriter();
        using var e = new StringWriter();
        Assert.Equal(0, KvmLabCli.Run(["merge", .. Directory.GetDirectories(results, "shard-*"), "--out", Path.Combine(results, "results.csv")], o, e));
        string sweep = c.Args[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Single(a => a.EndsWith(".yaml", StringComparison.Ordinal)).Replace("/work/", RepoPaths.Root + "/", StringComparison.Ordinal);
        Assert.Equal(0, KvmLabCli.Run(["sweep", sweep, "--out", Path.Combine(_tmp, "whole"), "--jobs", "2"], o, e));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_tmp, "whole", "results.csv")), File.ReadAllBytes(Path.Combine(results, "results.csv")));
    }

    [KubectlFact]
    public void Kubectl_ReadsTheManifestOffline()
    {
        // What kubectl can do without a server: read and re-emit the objects (label --local).
        Shell.Result r = Shell.Run(Shell.Find("kubectl")!, ["label", "--local", "-f", Manifest, "checked=offline", "-o", "name"], timeoutSeconds: 60);
        Assert.True(r.Code == 0, r.ToString());
        Assert.Equal("job.batch/kvmlab-sweep", r.Out.Trim());
    }
}
