using System.Globalization;
using System.Reflection;
using KvmLab.Engine.Time;
using KvmLab.Model.Workloads;
using KvmLab.Scenarios;
using YamlDotNet.RepresentationModel;

namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>
/// For a scenario mutant that ran although a number in it was replaced: finds the key of the
/// replaced number and checks that the loaded scenario (or the workload built from it) holds
/// exactly that number: no clamping, rounding or truncation (as `threads: 4294967297` once ran
/// with 1 thread). Returns "checked", "unchecked" (a key this oracle has no reader for), or the
/// violation.
/// </summary>
public static class TruncationOracle
{
    private static readonly (string Suffix, decimal Scale)[] Units = [("ns", 1m), ("us", 1_000m), ("ms", 1_000_000m), ("s", 1_000_000_000m)];

    /// <summary>Workload parameters whose property name is not the parameter's in PascalCase.</summary>
    private static readonly Dictionary<string, string> Properties = new(StringComparer.Ordinal)
    {
        ["sender"] = "SenderCpu",
        ["target"] = "TargetCpu",
        ["interval_us"] = "Interval",
        ["distance_us"] = "Distance",
        ["network_us"] = "WireOneWay",
        ["period_us"] = "Period",
        ["outside_us"] = "Outside",
        ["inside_us"] = "Inside",
        ["datasize"] = "DataSize",
        ["bs"] = "Job.BlockSize",
        ["iodepth"] = "Job.IoDepth",
        ["numjobs"] = "Job.NumJobs",
        ["runtime"] = "Job.Runtime",
        ["poll_max_ns"] = "Config.PollMaxNs",
        ["poll_grow"] = "Config.PollGrow",
        ["poll_shrink"] = "Config.PollShrink",
        ["vcpu_node"] = "Config.VcpuNode",
        ["iothread_node"] = "Config.IoThreadNode",
        ["memory_node"] = "Config.MemoryNode",
    };

    public static string Verify(Mutant m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.NumberLine is not int line || m.NumberColumn is not int column || m.Text is null)
        {
            return "unchecked";
        }

        var stream = new YamlStream();
        stream.Load(new StringReader(m.Text));
        if (Find(stream.Documents[0].RootNode, "", line, column) is not var (key, text))
        {
            return "unchecked: no scalar at the replaced number";
        }

        if (key is "name" or "description")
        {
            return "text"; // free text: a number in it is not a value
        }

        ScenarioSpec spec = ScenarioLoader.Parse(m.Text, m.File ?? "mutant.yaml");
        decimal? actual = Read(spec, key, out bool span);
        if (actual is null)
        {
            return "unchecked: " + key;
        }

        decimal? expected = Expected(text, span && !key.EndsWith("_us", StringComparison.Ordinal));
        if (expected is null)
        {
            return $"{key}: '{text}' was accepted but is not a plain number";
        }

        return expected == actual ? "checked" : $"{key}: '{text}' was accepted as {actual}";
    }

    /// <summary>The key path and text of the scalar that starts at (line, column).</summary>
    private static (string Key, string Text)? Find(YamlNode node, string path, int line, int column)
    {
        switch (node)
        {
            case YamlScalarNode s when s.Start.Line == line && s.Start.Column <= column && (s.End.Line > line || s.End.Column > column):
                return (path, s.Value ?? "");
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    string name = (k as YamlScalarNode)?.Value ?? "?";
                    if (Find(v, path.Length == 0 ? name : $"{path}.{name}", line, column) is { } hit)
                    {
                        return hit;
                    }
                }

                return null;
            case YamlSequenceNode seq:
                for (int i = 0; i < seq.Children.Count; i++)
                {
                    if (Find(seq.Children[i], $"{path}[{i}]", line, column) is { } hit)
                    {
                        return hit;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static decimal? Read(ScenarioSpec spec, string key, out bool span)
    {
        span = false;
        string[] parts = key.Split('.');
        switch (parts)
        {
            case ["seed"]:
                return spec.Seed;
            case ["duration"]:
                span = true;
                return spec.Duration.Ns;
            case ["warmup"]:
                span = true;
                return spec.Warmup.Ns;
            case ["machine", "pcpus"]:
                return spec.Machine.Pcpus;
            case ["machine", "host_hz"]:
                return spec.Machine.HostHz;
            case ["machine", "host_hogs"]:
                return spec.Machine.HostHogs;
            case ["kvm", "halt_poll_ns"]:
                return spec.HaltPollMax.Ns;
            case ["kvm", "lapic_timer_advance_ns"]:
                return spec.TimerAdvance.Ns;
            case ["workload", "vm"]:
                return spec.Workload.Vm;
            case ["workload", string p]:
                return ReadWorkload(WorkloadFactory.Create(spec.Workload), p, out span);
            case [string vm, "vcpus"] when vm.StartsWith("vms[", StringComparison.Ordinal):
                return spec.Vms[Index(vm)].Vcpus;
            case [string vm, "pin_offset"] when vm.StartsWith("vms[", StringComparison.Ordinal):
                return spec.Vms[Index(vm)].PinOffset;
            case [string vm, "start_jitter"] when vm.StartsWith("vms[", StringComparison.Ordinal):
                span = true;
                return spec.Vms[Index(vm)].StartJitter.Ns;
            case [string vm, "guest", "hz"] when vm.StartsWith("vms[", StringComparison.Ordinal):
                return spec.Vms[Index(vm)].Guest.Hz;
            default:
                return null;
        }
    }

    private static decimal? ReadWorkload(IWorkload w, string parameter, out bool span)
    {
        span = false;
        if (parameter.StartsWith("targets[", StringComparison.Ordinal) && w is IpiBenchWorkload b && b.Targets is { } t)
        {
            return t[Index(parameter)];
        }

        string path = Properties.TryGetValue(parameter, out string? p) ? p
            : string.Concat(parameter.Split('_').Select(x => x.Length == 0 ? x : char.ToUpperInvariant(x[0]) + x[1..]));
        object? value = w;
        foreach (string name in path.Split('.'))
        {
            value = value?.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(value);
        }

        switch (value)
        {
            case SimSpan s:
                span = true;
                return parameter.EndsWith("_us", StringComparison.Ordinal) ? s.Ns / 1000m : s.Ns;
            case int or long:
                return Convert.ToDecimal(value, CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    private static decimal? Expected(string text, bool withUnit)
    {
        string t = text.Trim();
        decimal scale = 1;
        if (withUnit)
        {
            foreach (var (suffix, s) in Units)
            {
                if (t.EndsWith(suffix, StringComparison.Ordinal))
                {
                    t = t[..^suffix.Length];
                    scale = s;
                    break;
                }
            }
        }

        return decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) ? d * scale : null;
    }

    private static int Index(string segment) =>
        int.Parse(segment[(segment.IndexOf('[', StringComparison.Ordinal) + 1)..segment.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
}
