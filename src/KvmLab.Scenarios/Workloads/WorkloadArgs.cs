using KvmLab.Engine.Time;

namespace KvmLab.Scenarios.Workloads;

/// <summary>
/// A workload's parameters as the scenario gave them, each read by its declared kind and checked
/// against its bounds when the args are made, so every problem is found at load time and named by
/// file:line:key. Absent parameters read as their declared default.
/// </summary>
public sealed class WorkloadArgs
{
    private readonly Dictionary<string, WorkloadParameter> _declared;
    private readonly Dictionary<string, long> _integers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _choices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<int>> _lists = new(StringComparer.Ordinal);

    public WorkloadArgs(WorkloadDeclaration declaration, IReadOnlyDictionary<string, ScalarValue> given, string file, string key = "workload")
    {
        Key = key;
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentNullException.ThrowIfNull(given);
        File = file;
        Given = given;
        _declared = declaration.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, v) in given)
        {
            if (!_declared.TryGetValue(name, out WorkloadParameter? p))
            {
                throw new ScenarioException(file, v.Line, $"{key}.{name}",
                    $"unknown parameter for {declaration.Id} (known: {string.Join(", ", declaration.Parameters.Select(x => x.Name))})");
            }

            Read(p, v);
        }
    }

    /// <summary>The workload's key in the file (<c>workload</c> or <c>vms[i].workload</c>), for errors.</summary>
    public string Key { get; }

    /// <summary>The scenario file, for errors a declaration finds in its own custom parameters.</summary>
    public string File { get; }

    /// <summary>The raw values as given (for <see cref="ParameterKind.Custom"/> parameters).</summary>
    public IReadOnlyDictionary<string, ScalarValue> Given { get; }

    public long Long(string name) => _integers.TryGetValue(name, out long v) ? v : Declared(name).Default;

    /// <summary>An integer parameter the model keeps in an int (its declared bounds fit one).</summary>
    public int Int(string name) => checked((int)Long(name));

    public SimSpan Microseconds(string name) => SimSpan.FromMicroseconds(Long(name));

    /// <summary>A choice, or null when the scenario did not give it.</summary>
    public string? Choice(string name)
    {
        Declared(name);
        return _choices.GetValueOrDefault(name);
    }

    /// <summary>A list, or null when the scenario did not give it.</summary>
    public IReadOnlyList<int>? List(string name)
    {
        Declared(name);
        return _lists.GetValueOrDefault(name);
    }

    /// <summary>A problem with a given value, as file:line:key.</summary>
    public ScenarioException Error(string name, string problem) =>
        new(File, Given.TryGetValue(name, out ScalarValue? v) ? v.Line : 1, $"{Key}.{name}", problem);

    private WorkloadParameter Declared(string name) =>
        _declared.TryGetValue(name, out WorkloadParameter? p) ? p : throw new InvalidOperationException($"workload parameter '{name}' is not declared");

    private void Read(WorkloadParameter p, ScalarValue v)
    {
        if (p.Kind != ParameterKind.IntegerList && p.Kind != ParameterKind.Custom && v.Items is not null)
        {
            throw Error(p.Name, "expected a single value, not a list");
        }

        switch (p.Kind)
        {
            case ParameterKind.Integer:
            case ParameterKind.Microseconds:
                _integers[p.Name] = ValueText.Integer(v.Text, p.Min, p.Max, out long x, p.Why) is { } problem ? throw Error(p.Name, problem) : x;
                break;
            case ParameterKind.Choice:
                _choices[p.Name] = p.Choices.Contains(v.Text)
                    ? v.Text
                    : throw Error(p.Name, $"unknown value '{v.Text}' (known: {string.Join(", ", p.Choices)})");
                break;
            case ParameterKind.IntegerList:
                if (v.Items is null)
                {
                    throw Error(p.Name, "expected a list of whole numbers, for example [1, 2, 3]");
                }

                _lists[p.Name] = [.. v.Items.Select(s => ValueText.Integer(s, p.Min, p.Max, out long c, p.Why) is { } bad ? throw Error(p.Name, bad) : (int)c)];
                break;
            case ParameterKind.Custom:
                break;
        }
    }
}
