using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Hardware.ProfileFiles;

/// <summary>
/// The JSON form of a calibrated profile, read by <c>run/reproduce/validate --profile</c>. Every
/// cost field of <see cref="CostProfile"/> (<see cref="CostFields"/>, the storage part's as
/// "Storage.X") may be present as { "ns": number, "source": "measured" | "fitted" | "estimate" |
/// "inherited", "probe": ..., "note": ... }; an absent field keeps the base profile's value. The
/// source becomes the profile's provenance (<see cref="CostProfile.Sources"/>). Errors name the file, the line and the
/// key, and every number is range-checked: a cost is 0 to <see cref="MaxCostNs"/>, the TSC
/// frequency <see cref="MinTscGhz"/> to <see cref="MaxTscGhz"/>.
/// </summary>
public static class ProfileFile
{
    public const string Format = "kvmlab-cost-profile/1";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>No KVM operation the profile prices takes a second; a larger value is a unit slip (and would overflow the model's arithmetic).</summary>
    public const double MaxCostNs = 1e9;

    /// <summary>x86 TSCs run at 0.1 to 10 GHz; outside that, cycle conversions would be nonsense (or divide by zero).</summary>
    public const double MinTscGhz = 0.1;

    public const double MaxTscGhz = 10;

    public static string Write(CalibratedProfile c)
    {
        var fields = new JsonObject();
        foreach (FieldOrigin f in c.Fields.Where(f => f.Field != "TscGhz"))
        {
            fields[f.Field] = new JsonObject
            {
                ["ns"] = Math.Round(f.Ns, 1),
                ["source"] = f.Source,
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
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{path.Replace("\0", "\\0", StringComparison.Ordinal)}: cannot read the profile: {e.Message}", e);
        }

        return Parse(text, path, Profiles.Find);
    }

    /// <summary>
    /// A profile file's text, with <paramref name="path"/> for the messages and
    /// <paramref name="findBase"/> to resolve its "base" (the fitted profiles compiled into the model
    /// resolve theirs to the platform's estimates, <see cref="Profiles.Estimates"/>).
    /// </summary>
    public static CalibratedProfile Parse(string text, string path, Func<string, CostProfile?> findBase)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: json: not JSON: {e.Message.Split('\n')[0].Split(" Path:")[0].Split(" LineNumber:")[0].Trim()}");
        }

        if (Duplicate(text) is var (dupLine, dupKey))
        {
            throw new InvalidDataException($"{path}:{dupLine}: {dupKey}: the key appears twice in one object");
        }

        // JsonNode keeps no positions: a key's line is where its name first appears in the text.
        string Where(string key) => $"{path}:{LineOf(text, key.Split('.')[^1])}: {key}";

        if (root is not JsonObject o || Opt(o["format"]) != Format)
        {
            throw new InvalidDataException($"{Where("format")}: must be \"{Format}\" (write one with 'kvmlab calibrate --out')");
        }

        string baseId = Str(o, "base", Where("base"));
        CostProfile baseProfile = findBase(baseId) ?? throw new InvalidDataException($"{Where("base")}: unknown profile '{baseId}' (known: {string.Join(", ", Profiles.All.Select(x => x.Id))})");
        double tsc = Num(o, "tsc_ghz", Where("tsc_ghz"));
        if (tsc is < MinTscGhz or > MaxTscGhz)
        {
            throw new InvalidDataException($"{Where("tsc_ghz")}: {tsc.ToString(CultureInfo.InvariantCulture)} is out of range: it must be from {MinTscGhz.ToString(CultureInfo.InvariantCulture)} to {MaxTscGhz.ToString(CultureInfo.InvariantCulture)} GHz");
        }

        CostProfile p = baseProfile with
        {
            Id = Str(o, "id", Where("id")),
            Summary = Str(o, "summary", Where("summary")),
            Citation = Str(o, "citation", Where("citation")),
            TscGhz = tsc,
        };
        if (o["fields"] is not JsonObject fields)
        {
            throw new InvalidDataException($"{path}:1: fields: missing (an object of cost fields)");
        }

        var known = CostFields.All.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var kv in fields)
        {
            if (!known.Contains(kv.Key))
            {
                throw new InvalidDataException($"{Where("fields." + kv.Key)}: unknown field (known: see docs/MODEL.md)");
            }
        }

        var origins = new List<FieldOrigin> { new("TscGhz", p.TscGhz, true, null, "") };
        var sources = new Dictionary<string, FieldSource>(baseProfile.Sources);
        foreach (CostField field in CostFields.All)
        {
            if (fields[field.Name] is not JsonObject f)
            {
                // A field the writing version did not know (the profile grew since): keep the base's value.
                origins.Add(new FieldOrigin(field.Name, field.Get(p).Ns, false, null, $"absent from the file; inherited from {baseId}"));
                continue;
            }

            string where = $"{path}:{LineOf(text, field.Name.Split('.')[^1])}: fields.{field.Name}.ns";
            double ns = Num(f, "ns", where);
            if (ns is < 0 or > MaxCostNs)
            {
                throw new InvalidDataException($"{where}: {ns.ToString(CultureInfo.InvariantCulture)} is out of range: a cost must be from 0 to {MaxCostNs.ToString(CultureInfo.InvariantCulture)} ns");
            }

            if (field.Get(p) != SimSpan.FromNanoseconds(ns))
            {
                // Only a changed value makes a copy: a part the file leaves as it was (a VMX profile's
                // empty PVM costs) stays the base's own object.
                p = field.With(p, SimSpan.FromNanoseconds(ns));
            }
            string source = Opt(f["source"]) ?? "inherited";
            string note = Opt(f["note"]) ?? "";
            origins.Add(new FieldOrigin(field.Name, ns, source == "measured", Opt(f["probe"]), note) { Source = source });
            switch (source)
            {
                case "measured":
                    sources[field.Name] = FieldSource.Measured(Opt(f["probe"]) ?? note);
                    break;
                case "fitted":
                    sources[field.Name] = FieldSource.Fitted(note);
                    break;
                case "estimate" when note.Length > 0:
                    sources[field.Name] = FieldSource.Estimate(note);
                    break;
                case "estimate":
                    sources.Remove(field.Name);
                    break;
            }
        }

        string environment = Opt(o["environment"]) ?? "";
        p = p with { Sources = sources, Origin = $"profile file {path}" + (environment.Length > 0 ? $" ({environment})" : "") };

        var measurements = new Dictionary<string, double>();
        if (o["probe_medians_ns"] is JsonObject m)
        {
            foreach (var kv in m)
            {
                measurements[kv.Key] = kv.Value is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d)
                    ? d
                    : throw new InvalidDataException($"{Where("probe_medians_ns." + kv.Key)}: must be a number of nanoseconds");
            }
        }

        return new CalibratedProfile { Profile = p, BaseProfile = baseId, Fields = origins, Measurements = measurements, Environment = environment };
    }

    private static string Str(JsonObject o, string key, string where) =>
        (o[key] as JsonValue)?.TryGetValue(out string? s) == true ? s : throw new InvalidDataException($"{where}: must be a string");

    private static double Num(JsonObject o, string key, string where) =>
        (o[key] as JsonValue)?.TryGetValue(out double d) == true && double.IsFinite(d) ? d : throw new InvalidDataException($"{where}: must be a number");

    /// <summary>A string value, or null for anything else (a cast of a JsonNode that holds a number throws).</summary>
    private static string? Opt(JsonNode? n) => n is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>The first property name repeated inside one object (JsonObject would throw on it), with its line.</summary>
    private static (int Line, string Key)? Duplicate(string text)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var names = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    names.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject:
                    names.Pop();
                    break;
                case JsonTokenType.PropertyName when !names.Peek().Add(reader.GetString()!):
                    int line = utf8.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n') + 1;
                    return (line, reader.GetString()!);
            }
        }

        return null;
    }

    /// <summary>The 1-based line where "key" first appears, or 1.</summary>
    private static int LineOf(string text, string key)
    {
        int at = text.IndexOf($"\"{key}\"", StringComparison.Ordinal);
        return at < 0 ? 1 : text.AsSpan(0, at).Count('\n') + 1;
    }
}
