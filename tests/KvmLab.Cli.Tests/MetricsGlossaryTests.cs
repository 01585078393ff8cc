using System.Text.Json;
using KvmLab.Scenarios;

namespace KvmLab.Cli.Tests;

/// <summary>
/// docs/METRICS.md names every metric `run --json` can print (every workload type, the storage path
/// with and without a QEMU thread) and every field `reproduce --json` prints (a two-variant
/// experiment, a ladder, a ladder with --scenario): a metric added without its line fails here.
/// </summary>
public sealed class MetricsGlossaryTests : IDisposable
{
    private static readonly string Glossary = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "METRICS.md"));

    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-metrics-{Guid.NewGuid():N}");

    public MetricsGlossaryTests() => Directory.CreateDirectory(_tmp);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A short scenario for one workload type; the metric names do not depend on the run's length.</summary>
    private string Scenario(string type, string extra = "")
    {
        string kernel = type == "kut-ipi" ? "kvm-unit-tests" : "linux";
        string file = Path.Combine(_tmp, $"{type}{extra.GetHashCode(StringComparison.Ordinal)}.yaml");
        File.WriteAllText(file, $"name: glossary-{type}\nseed: 1\nduration: 3ms\nwarmup: 0.5ms\nmachine: {{ pcpus: 4 }}\n"
            + $"vms:\n  - vcpus: 2\n    pin: true\n    guest: {{ kernel: {kernel} }}\nworkload:\n  type: {type}\n{extra}");
        return file;
    }

    public static TheoryData<string, string> Runs()
    {
        var d = new TheoryData<string, string>();
        foreach (string type in WorkloadFactory.Types)
        {
            d.Add(type, type switch
            {
                "memcached" => "  threads: 1\n",
                "fio" => "  config: iothread\n", // with a QEMU thread: the qemu_ metrics
                _ => "",
            });
        }

        d.Add("fio", "  config: bare-metal\n");
        d.Add("fio", "  config: vfio\n");
        return d;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void EveryMetricOfEveryWorkload_IsInTheGlossary(string type, string extra)
    {
        var (code, stdout, stderr) = Cli("run", Scenario(type, extra), "--json");
        Assert.True(code == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        string[] names = [.. doc.RootElement.GetProperty("metrics").EnumerateObject().Select(p => p.Name)];
        Assert.NotEmpty(names);
        AllInGlossary(names);
        Assert.Contains($"### `{type}`", Glossary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ipi-fastpath-unittest")]
    [InlineData("nvme-qd1-ladder")]
    [InlineData("nvme-qd1-ladder", "--scenario", "nvme-ladder-17us.yaml")]
    public void EveryReproduceJsonField_IsInTheGlossary(string id, params string[] more)
    {
        string[] args = ["reproduce", id, "--json", .. more.Select(m => m.EndsWith(".yaml", StringComparison.Ordinal) ? RepoPaths.Scenario(m) : m)];
        var (code, stdout, stderr) = Cli(args);
        Assert.True(code == 0, stderr);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            Collect(doc.RootElement, names);
        }

        Assert.Contains("ci95", names);
        AllInGlossary(names);
    }

    private static void AllInGlossary(IEnumerable<string> names)
    {
        string[] missing = [.. names.Where(n => !Glossary.Contains($"`{n}`", StringComparison.Ordinal))];
        Assert.True(missing.Length == 0, $"not in docs/METRICS.md: {string.Join(", ", missing)}");
    }

    private static void Collect(JsonElement e, ISet<string> names)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in e.EnumerateObject())
            {
                names.Add(p.Name);
                Collect(p.Value, names);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement x in e.EnumerateArray())
            {
                Collect(x, names);
            }
        }
    }
}
