using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.RealKvm.Calibration;

/// <summary>
/// The JSON form of a calibrated profile, read by <c>run/reproduce/validate --profile</c>. Every
/// SimSpan field of <see cref="CostProfile"/> must be present as { "ns": number, "source":
/// "measured" | "inherited", "probe": ..., "note": ... }. Errors name the file and the key.
/// </summary>
public static class ProfileFile
{
    public const string Format = "kvmlab-cost-profile/1";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(CalibratedProfile c)
    {
        var fields = new JsonObject();
        foreach (FieldOrigin f in c.Fields.Where(f => f.Field != "TscGhz"))
        {
            fields[f.Field] = new JsonObject
            {
                ["ns"] = Math.Round(f.Ns, 1),
                ["source"] = f.Measured ? "measured" : "inherited",
                ["probe"] = f.Probe,
                ["note"] = f.Note,
            };
        }

        var measurements = new JsonObject();
        foreach (var kv in c.Measurements.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            measurements[kv.Key] = Math.Round(kv.Value, 1);
        }

        var root = new JsonObject
        {
            ["format"] = Format,
            ["id"] = c.Profile.Id,
            ["summary"] = c.Profile.Summary,
            ["citation"] = c.Profile.Citation,
            ["base"] = c.BaseProfile,
            ["environment"] = c.Environment,
            ["tsc_ghz"] = c.Profile.TscGhz,
            ["fields"] = fields,
            ["probe_medians_ns"] = measurements,
        };
        return root.ToJsonString(Indented);
    }

    public static CalibratedProfile Read(string path)
    {
        string text = File.ReadAllText(path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON: {e.Message}");
        }

        if (root is not JsonObject o || (string?)o["format"] != Format)
        {
            throw new InvalidDataException($"{path}: 'format' must be \"{Format}\" (write one with 'kvmlab calibrate --out')");
        }

        string baseId = Str(o, "base", path);
        CostProfile baseProfile = Profiles.Find(baseId) ?? throw new InvalidDataException($"{path}: base: unknown profile '{baseId}'");
        CostProfile p = baseProfile with
        {
            Id = Str(o, "id", path),
            Summary = Str(o, "summary", path),
            Citation = Str(o, "citation", path),
            TscGhz = Num(o, "tsc_ghz", path),
        };
        if (o["fields"] is not JsonObject fields)
        {
            throw new InvalidDataException($"{path}: 'fields' is missing");
        }

        var known = Calibrator.SpanFields().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var kv in fields)
        {
            if (!known.Contains(kv.Key))
            {
                throw new InvalidDataException($"{path}: fields.{kv.Key}: unknown field (known: see docs/MODEL.md)");
            }
        }

        var origins = new List<FieldOrigin> { new("TscGhz", p.TscGhz, true, null, "") };
        foreach (var prop in Calibrator.SpanFields())
        {
            if (fields[prop.Name] is not JsonObject f)
            {
                // A field the writing version did not know (the profile grew since): keep the base's value.
                double inherited = ((SimSpan)prop.GetValue(p)!).Ns;
                origins.Add(new FieldOrigin(prop.Name, inherited, false, null, $"absent from the file; inherited from {baseId}"));
                continue;
            }

            double ns = Num(f, "ns", $"{path}: fields.{prop.Name}");
            if (ns < 0)
            {
                throw new InvalidDataException($"{path}: fields.{prop.Name}.ns: must not be negative, got {ns.ToString(CultureInfo.InvariantCulture)}");
            }

            // Reflection on a fresh copy's init-only setters.
            prop.SetValue(p, SimSpan.FromNanoseconds(ns));
            origins.Add(new FieldOrigin(prop.Name, ns, (string?)f["source"] == "measured", (string?)f["probe"], (string?)f["note"] ?? ""));
        }

        var measurements = new Dictionary<string, double>();
        if (o["probe_medians_ns"] is JsonObject m)
        {
            foreach (var kv in m)
            {
                measurements[kv.Key] = kv.Value?.GetValue<double>() ?? double.NaN;
            }
        }

        return new CalibratedProfile { Profile = p, BaseProfile = baseId, Fields = origins, Measurements = measurements, Environment = (string?)o["environment"] ?? "" };
    }

    private static string Str(JsonObject o, string key, string where) =>
        (o[key] as JsonValue)?.TryGetValue(out string? s) == true ? s : throw new InvalidDataException($"{where}: '{key}' must be a string");

    private static double Num(JsonObject o, string key, string where) =>
        (o[key] as JsonValue)?.TryGetValue(out double d) == true ? d : throw new InvalidDataException($"{where}: '{key}' must be a number");
}
