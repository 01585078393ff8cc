using YamlDotNet.RepresentationModel;

namespace KvmLab.Scenarios;

public static partial class ScenarioLoader
{
    /// <summary>
    /// A workload mapping: the scenario's (<c>workload:</c>, whose <c>vm:</c> key picks its VM) or a
    /// VM's own (<c>vms[i].workload:</c>, in that VM; a <c>vm:</c> key there is an error). Every key
    /// is remembered for file:line:key errors found later.
    /// </summary>
    private static WorkloadSpec ReadWorkload(ScenarioYamlReader r, YamlNode node, string key, int? vm, int vmCount)
    {
        var wm = r.Mapping(node, key);
        r.Remember(key, node);
        string type = r.String(wm, key + ".type", "type", "");
        if (!WorkloadFactory.Types.Contains(type))
        {
            throw r.Error(r.Child(wm, "type") ?? node, key + ".type", $"unknown workload '{type}' (known: {string.Join(", ", WorkloadFactory.Types)})");
        }

        if (vm is not null && r.Child(wm, "vm") is { } vmNode)
        {
            throw r.Error(vmNode, key + ".vm", $"a VM's own workload runs in that VM (vms[{vm}]); remove 'vm'");
        }

        int vmIndex = vm ?? r.Int(wm, key + ".vm", "vm", 0, min: 0, max: vmCount - 1);
        var parameters = new Dictionary<string, ScalarValue>(StringComparer.Ordinal);
        foreach (var (kNode, vNode) in wm.Children)
        {
            string name = r.Scalar(kNode, key);
            if (name is "type" or "vm")
            {
                continue;
            }

            if (!WorkloadFactory.ParametersOf(type).Contains(name))
            {
                throw r.Error(kNode, $"{key}.{name}", $"unknown parameter for {type} (known: {string.Join(", ", WorkloadFactory.ParametersOf(type))})");
            }

            r.Remember($"{key}.{name}", vNode);
            parameters[name] = vNode is YamlSequenceNode s
                ? new ScalarValue("", ScenarioYamlReader.LineOf(vNode), [.. s.Children.Select(c => r.Scalar(c, $"{key}.{name}"))])
                : new ScalarValue(r.Scalar(vNode, $"{key}.{name}"), ScenarioYamlReader.LineOf(vNode));
        }

        return new WorkloadSpec { Type = type, Vm = vmIndex, Parameters = parameters, Key = key };
    }
}
