using System.Reflection;
using KvmLab.Engine.Time;

namespace KvmLab.Model.Hardware;

/// <summary>One cost a profile holds: its name ("VmExit", or "Storage.IoeventfdMmioHandler" in a named part), and how to read and replace it.</summary>
public sealed record CostField(string Name, Func<CostProfile, SimSpan> Get, Func<CostProfile, SimSpan, CostProfile> With);

/// <summary>
/// Every duration field of <see cref="CostProfile"/>, the named parts' (a record property whose
/// own properties are durations) included, in declaration order: what sensitivity perturbs, the
/// fit frees and profile files carry. Found by reflection so a new field needs no list to update.
/// </summary>
public static class CostFields
{
    public static IReadOnlyList<CostField> All { get; } = Build();

    public static CostField? Find(string name) => All.FirstOrDefault(f => f.Name == name);

    private static List<CostField> Build()
    {
        var fields = new List<CostField>();
        foreach (PropertyInfo p in Ordered(typeof(CostProfile)))
        {
            if (p.PropertyType == typeof(SimSpan))
            {
                fields.Add(new CostField(p.Name, c => (SimSpan)p.GetValue(c)!, (c, v) => Set(c, p, v)));
            }
            else if (p.PropertyType.IsClass && Clone(p.PropertyType) is not null && Ordered(p.PropertyType).Any(q => q.PropertyType == typeof(SimSpan)))
            {
                foreach (PropertyInfo q in Ordered(p.PropertyType).Where(q => q.PropertyType == typeof(SimSpan)))
                {
                    PropertyInfo part = p;
                    fields.Add(new CostField(
                        $"{part.Name}.{q.Name}",
                        c => (SimSpan)q.GetValue(part.GetValue(c)!)!,
                        (c, v) => Set(c, part, Set(part.GetValue(c)!, q, v))));
                }
            }
        }

        return fields;
    }

    private static IEnumerable<PropertyInfo> Ordered(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).OrderBy(p => p.MetadataToken);

    private static MethodInfo? Clone(Type t) => t.GetMethod("<Clone>$");

    /// <summary>A copy of the record with one init-only property replaced (records are immutable: the copy is made through the compiler's clone).</summary>
    private static T Set<T>(T record, PropertyInfo p, object value)
        where T : class
    {
        var copy = (T)Clone(record.GetType())!.Invoke(record, null)!;
        p.SetValue(copy, value);
        return copy;
    }
}
