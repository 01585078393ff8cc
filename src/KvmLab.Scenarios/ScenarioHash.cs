using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KvmLab.Model.Guest;

namespace KvmLab.Scenarios;

/// <summary>A stable fingerprint of a scenario's content (not of its file's formatting).</summary>
public static class ScenarioHash
{
    public static string Of(ScenarioSpec s)
    {
        var b = new StringBuilder();
        void Add(string k, object? v) => b.Append(k).Append('=').Append(Convert.ToString(v, CultureInfo.InvariantCulture)).Append(';');
        Add("name", s.Name);
        Add("duration", s.Duration.Ns);
        Add("warmup", s.Warmup.Ns);
        Add("pcpus", s.Machine.Pcpus);
        Add("hz", s.Machine.HostHz);
        Add("host_hogs", s.Machine.HostHogs);
        if (s.Machine.NohzFull)
        {
            Add("nohz_full", true); // only when set, so the hashes of scenarios without it are as before
        }

        if (s.Machine.Sockets != 1 || s.Machine.ThreadsPerCore != 1)
        {
            Add("topology", $"{s.Machine.Sockets}x{s.Machine.ThreadsPerCore}"); // likewise only when not the default
        }

        if (!s.Machine.LoadBalance)
        {
            Add("load_balance", false);
        }

        Add("profile", s.Profile);
        Add("features", string.Join(",", s.Features.Order(StringComparer.Ordinal)));
        Add("halt_poll", s.HaltPollMax.Ns);
        Add("timer_advance", s.TimerAdvance.Ns);
        foreach (VmSpec vm in s.Vms)
        {
            GuestConfig g = vm.Guest;
            Add("vm", $"{vm.Vcpus}/{vm.Pin}/{vm.PinOffset}/{vm.StartJitter.Ns}/{g.Kind}/{g.X2Apic}/{g.X2ApicCluster}/{g.Hz}/{g.IdlePoll}/{g.Spinlock}/{g.StressCpu}");
            if (g.HaltPoll || g.CpuIdle != GuestCpuIdle.None)
            {
                Add("vm.cpuidle", $"{g.HaltPoll}/{g.CpuIdle}"); // only when set, so the hashes of scenarios without them are as before
            }
        }

        Add("workload", s.Workload.Type);
        Add("workload.vm", s.Workload.Vm);
        foreach (var (k, v) in s.Workload.Parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Add("workload." + k, v.Items is null ? v.Text : string.Join(",", v.Items));
        }

        // A VM's own workload; absent from every scenario written before per-VM workloads, so their hashes stay.
        foreach (WorkloadSpec w in s.VmWorkloads)
        {
            Add(w.Key, $"{w.Type}@{w.Vm}");
            foreach (var (k, v) in w.Parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                Add(w.Key + "." + k, v.Items is null ? v.Text : string.Join(",", v.Items));
            }
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(b.ToString()));
        return Convert.ToHexStringLower(hash)[..16];
    }
}
