using System.Globalization;
using System.Text.Json;
using KvmLab.Scenarios;

namespace KvmLab.Calibration.Pvm;

/// <summary>
/// Reads a probe run saved by `kvmlab probe --json --out DIR` (DIR/probe.json; for example
/// data/measurements/pvm-here/probe-2026-12-02T1437Z.json), so validate and calibrate can work
/// without /dev/kvm. A problem is one line naming the file, the line and the key.
/// </summary>
public static class ProbeRunReader
{
    public static ProbeRunFile Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: cannot read the probe file: {e.Message}", e);
        }

        return Parse(text, path);
    }

    public static ProbeRunFile Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ScenarioException(path, (int)(e.LineNumber ?? 0) + 1, "json", e.Message.Split('.')[0]);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            int Line(string key)
            {
                int i = text.IndexOf($"\"{key}\"", StringComparison.Ordinal);
                return i < 0 ? 1 : text.AsSpan(0, i).Count('\n') + 1;
            }

            JsonElement Need(JsonElement o, string key, string where) =>
                o.ValueKind == JsonValueKind.Object && o.TryGetProperty(key, out JsonElement v) ? v : throw new ScenarioException(path, Line(key), where + key, "missing (is this a 'kvmlab probe --json' file?)");

            JsonElement env = Need(root, "environment", "");
            string Str(JsonElement o, string key) => o.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            var modules = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (env.TryGetProperty("module_parameters", out JsonElement mp) && mp.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in mp.EnumerateObject())
                {
                    modules[p.Name] = p.Value.ToString();
                }
            }

            JsonElement tsc = Need(env, "tsc_khz", "environment.");
            if (tsc.ValueKind != JsonValueKind.Number || !tsc.TryGetInt64(out long khz) || khz <= 0)
            {
                throw new ScenarioException(path, Line("tsc_khz"), "environment.tsc_khz", "must be a positive whole number of kHz");
            }

            var host = new ProbeHost(Str(env, "flavour"), Str(env, "cpu"), Str(env, "kernel"), khz, modules);
            JsonElement probes = Need(root, "probes", "");
            if (probes.ValueKind != JsonValueKind.Array)
            {
                throw new ScenarioException(path, Line("probes"), "probes", "expected a list of probe results");
            }

            var list = new List<ProbeMedian>();
            int i = 0;
            foreach (JsonElement p in probes.EnumerateArray())
            {
                string at = $"probes[{i++}].";
                string id = $"{Str(p, "suite")}/{Str(p, "name")}";
                if (id == "/")
                {
                    throw new ScenarioException(path, Line("probes"), at + "suite", "missing suite and name");
                }

                string status = Str(p, "status");
                double? median = null;
                if (p.TryGetProperty("median", out JsonElement m) && m.ValueKind == JsonValueKind.Number)
                {
                    median = m.GetDouble();
                }
                else if (status == "measured")
                {
                    throw new ScenarioException(path, Line(Str(p, "name")), at + "median", $"probe {id} is measured but has no median");
                }

                int n = p.TryGetProperty("n", out JsonElement nn) && nn.ValueKind == JsonValueKind.Number ? nn.GetInt32() : 0;
                bool? confirmed = p.TryGetProperty("exits_confirmed", out JsonElement ec) && ec.ValueKind is JsonValueKind.True or JsonValueKind.False ? ec.GetBoolean() : null;
                long Stat(string key) => p.TryGetProperty("kvm_stats", out JsonElement ks) && ks.ValueKind == JsonValueKind.Object
                    && ks.TryGetProperty(key, out JsonElement kv) && kv.ValueKind == JsonValueKind.Number && kv.TryGetInt64(out long x) && x >= 0 ? x : 0;
                list.Add(new ProbeMedian(id, status, median, n, confirmed, Str(p, "note"), Stat("halt_attempted_poll"), Stat("halt_successful_poll")));
            }

            return new ProbeRunFile(path, host, list);
        }
    }

    internal static string Ns(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
