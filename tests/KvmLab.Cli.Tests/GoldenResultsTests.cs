using System.Text;
using System.Text.Json;

namespace KvmLab.Cli.Tests;

/// <summary>
/// "Results unchanged" as a test (issue 11): the --json of `reproduce --all`, of every shipped
/// scenario and of the NVMe ladder under each ladder scenario must equal the files under
/// tests/golden byte for byte. On a difference the failure lists every number that moved.
/// Refresh with `tests/golden/refresh`; the commit that does says which numbers moved and why.
/// </summary>
public sealed class GoldenResultsTests
{
    private static readonly string Dir = Path.Combine(RepoPaths.Root, "tests", "golden");

    public static TheoryData<string> GoldenFiles()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Dir).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Output_EqualsTheGoldenFile(string file)
    {
        string expected = File.ReadAllText(Path.Combine(Dir, file));

        string actual = Produce(file);

        if (actual != expected)
        {
            Assert.Fail($"{file} moved (refresh with tests/golden/refresh and say why in the commit):\n{Moved(expected, actual)}");
        }
    }

    [Fact]
    public void EveryShippedScenario_HasAGoldenResult()
    {
        foreach (string s in Directory.GetFiles(Path.Combine(RepoPaths.Root, "scenarios"), "*.yaml"))
        {
            Assert.True(File.Exists(Path.Combine(Dir, $"run-{Path.GetFileNameWithoutExtension(s)}.json")), $"no golden result for {s}: run tests/golden/refresh");
        }
    }

    [Fact]
    public void Moved_NamesEachNumberThatChanged()
    {
        string a = "{\"id\":\"x\",\"variants\":[{\"value\":2790.1}],\"reproduced\":false}\n";
        string b = "{\"id\":\"x\",\"variants\":[{\"value\":2791.5}],\"reproduced\":false}\n";

        Assert.Equal("  line 1 (x): variants[0].value 2790.1 -> 2791.5", Moved(a, b).TrimEnd());
    }

    /// <summary>The command line that produced each golden file (tests/golden/refresh).</summary>
    private static string Produce(string file)
    {
        string stem = Path.GetFileNameWithoutExtension(file);
        string[] args = stem switch
        {
            "reproduce-all" => ["reproduce", "--all", "--json"],
            _ when stem.StartsWith("run-", StringComparison.Ordinal) => ["run", RepoPaths.Scenario(stem[4..] + ".yaml"), "--json"],
            _ when stem.StartsWith("ladder-", StringComparison.Ordinal) => ["reproduce", "nvme-qd1-ladder", "--scenario", RepoPaths.Scenario(stem[7..] + ".yaml"), "--json"],
            _ => throw new InvalidOperationException($"tests/golden/{file}: no command produces it"),
        };
        using var o = new StringWriter { NewLine = "\n" };
        using var e = new StringWriter();
        int code = KvmLabCli.Run(args, o, e);
        Assert.True(code == 0, $"kvmlab {string.Join(' ', args)} exited {code}: {e}");

        // refresh runs from the repository root with relative paths; the test passes absolute ones.
        return o.ToString().Replace(RepoPaths.Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
    }

    /// <summary>Every leaf that differs, line by line (one JSON document per line), as "path old -> new".</summary>
    private static string Moved(string expected, string actual)
    {
        string[] a = expected.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] b = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var sb = new StringBuilder();
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            if (i >= a.Length || i >= b.Length)
            {
                sb.AppendLine($"  line {i + 1}: {(i >= a.Length ? "added" : "removed")}");
                continue;
            }

            var fa = Flatten(a[i]);
            var fb = Flatten(b[i]);
            string id = fa.GetValueOrDefault("id") ?? fa.GetValueOrDefault("scenario") ?? "";
            foreach (string key in fa.Keys.Union(fb.Keys))
            {
                string? va = fa.GetValueOrDefault(key);
                string? vb = fb.GetValueOrDefault(key);
                if (va != vb)
                {
                    sb.AppendLine($"  line {i + 1} ({id}): {key} {va ?? "(none)"} -> {vb ?? "(none)"}");
                }
            }
        }

        return sb.ToString();
    }

    private static Dictionary<string, string> Flatten(string json)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        Walk(doc.RootElement, "", d);
        return d;
    }

    private static void Walk(JsonElement e, string path, Dictionary<string, string> d)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in e.EnumerateObject())
                {
                    Walk(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}", d);
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement x in e.EnumerateArray())
                {
                    Walk(x, $"{path}[{i++}]", d);
                }

                break;
            default:
                d[path] = e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
                break;
        }
    }
}
