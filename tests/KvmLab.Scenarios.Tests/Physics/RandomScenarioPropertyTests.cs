using System.Globalization;
using System.Text;
using CsCheck;
using KvmLab.Model.Invariants;
using KvmLab.Model.Workloads;
using KvmLab.Policies;
using KvmLab.Reporting;

namespace KvmLab.Scenarios.Tests.Physics;

/// <summary>
/// Property tests over random valid scenarios (issue 11): every profile, every feature the
/// platform allows, every workload, one or two VMs, pinned or not, with or without host hogs.
/// Each case runs with Full invariant checks (time conserved per pCPU and vCPU, accounts agree,
/// guest work within guest time, nothing in the past) and twice, byte for byte the same.
/// CsCheck shrinks a failure to a small case and prints its seed.
/// </summary>
public class RandomScenarioPropertyTests
{
    private const int Cases = 1200;

    private static readonly string[] Profiles = ["skylake-sp-2020", "xeon-8260", "xeon-5218", "amd-rome-2020"];
    private static readonly string[] Apics = ["x2apic", "x2apic-cluster", "xapic"];
    private static readonly int[] Hzs = [0, 100, 250, 1000];
    private static readonly string[] Spinlocks = ["pv", "qspinlock", "ticket"];
    private static readonly string[] FioConfigs = ["bare-metal", "aio-native", "iothread", "userspace-nvme", "guest-iopoll", "polled-queues", "aio-fastpath", "vfio", "vfio-iopoll"];

    /// <summary>One case: a vector of choices, each taken modulo its range (CsCheck shrinks them toward 0, the simplest choice).</summary>
    private static readonly Gen<int[]> Choices = Gen.Int[0, 1 << 20].Array[24];

    [Fact]
    public void RandomScenarios_ConserveTimeAndRerunIdentically()
    {
        Assert.Equal(InvariantLevel.Full, ScenarioRunner.DefaultChecks);
        int ran = 0;
        Choices.Sample(
            c =>
            {
                ScenarioSpec spec = ScenarioLoader.Parse(Yaml(c), "random.yaml");
                string first = JsonResults.Run(ScenarioRunner.Run(spec, checks: InvariantLevel.Full));
                string again = JsonResults.Run(ScenarioRunner.Run(spec, checks: InvariantLevel.Full));
                Assert.Equal(first, again);
                Interlocked.Increment(ref ran);
            },
            iter: Cases);

        Assert.Equal(Cases, ran);
    }

    [Fact]
    public void Generator_CoversEveryProfileWorkloadAndFeature()
    {
        var workloads = new HashSet<string>();
        var features = new HashSet<string>();
        var profiles = new HashSet<string>();
        Choices.Sample(
            c =>
            {
                ScenarioSpec spec = ScenarioLoader.Parse(Yaml(c), "random.yaml");
                lock (workloads)
                {
                    workloads.Add(spec.Workload.Type);
                    profiles.Add(spec.Profile);
                    features.UnionWith(spec.Features);
                }
            },
            iter: 2000);

        Assert.Equal(WorkloadFactory.Types.Order(), workloads.Order());
        Assert.Equal(Profiles.Order(), profiles.Order());
        Assert.Equal(FeatureCatalog.Every.Select(f => f.Id).Order(), features.Order());
    }

    /// <summary>A valid scenario from the choices: platform conflicts are resolved, not generated.</summary>
    internal static string Yaml(int[] c)
    {
        int i = 0;
        int Pick(int n) => c[i++] % n;
        string profile = Profiles[Pick(Profiles.Length)];
        bool amd = profile == "amd-rome-2020";
        string workload = WorkloadFactory.Types[Pick(WorkloadFactory.Types.Count)];
        int vcpus = 1 + Pick(8);
        if (workload is "kut-ipi" or "vmexit" or "ipi-send" or "ipi-bench" or "memcached" && vcpus < 2)
        {
            vcpus = 2;
        }

        bool pin = Pick(2) == 0;
        bool secondVm = Pick(3) == 0 && workload != "fio";
        int pcpus = pin ? vcpus * (secondVm ? 2 : 1) + Pick(3) : 1 + Pick(vcpus * 2);
        string apic = Apics[Pick(Apics.Length)];
        int hz = Hzs[Pick(Hzs.Length)];
        string idle = Pick(4) == 0 ? "poll" : "hlt";
        string spinlock = Spinlocks[Pick(Spinlocks.Length)];
        int hogs = Pick(4) == 0 ? 1 + Pick(2) : 0;
        int durationUs = 1000 + Pick(4000);
        int warmupUs = Pick(durationUs / 2);
        string kernel = workload is "kut-ipi" or "vmexit" or "tscdeadline-latency" ? "kvm-unit-tests" : "linux";

        var features = new List<string>();
        int mask = c[i++];
        int bit = 0;
        foreach (var f in FeatureCatalog.Every)
        {
            if (((mask >> bit++) & 1) == 1)
            {
                features.Add(f.Id);
            }
        }

        // Platform rules (KvmConfig.Conflict and the vendor checks): drop what this platform cannot have.
        if (amd)
        {
            features.RemoveAll(f => FeatureCatalog.Find(f)!.Needs == Model.Hardware.CpuVendor.Intel);
            if (features.Contains(FeatureCatalog.Avic))
            {
                apic = "xapic";
            }
        }
        else
        {
            features.Remove(FeatureCatalog.Avic);
        }

        if (features.Contains(FeatureCatalog.IpiSenderBoost))
        {
            features.Remove(FeatureCatalog.IpiReceivedBoost); // two variants of one filter
        }

        if (features.Contains(FeatureCatalog.ExitlessPvIpi) && (!features.Contains(FeatureCatalog.ApicV) || apic == "xapic"))
        {
            features.Remove(FeatureCatalog.ExitlessPvIpi);
        }

        var y = new StringBuilder();
        y.AppendLine(CultureInfo.InvariantCulture, $"name: random");
        y.AppendLine(CultureInfo.InvariantCulture, $"seed: {c[i++]}");
        y.AppendLine(CultureInfo.InvariantCulture, $"duration: {durationUs}us");
        y.AppendLine(CultureInfo.InvariantCulture, $"warmup: {warmupUs}us");
        y.AppendLine(CultureInfo.InvariantCulture, $"profile: {profile}");
        y.AppendLine(CultureInfo.InvariantCulture, $"machine: {{ pcpus: {pcpus}, host_hogs: {hogs} }}");
        y.AppendLine(CultureInfo.InvariantCulture, $"features: [{string.Join(", ", features)}]");
        y.AppendLine("vms:");
        string guest = $"{{ kernel: {kernel}, apic: {apic}, hz: {hz}, idle: {idle}, spinlock: {spinlock} }}";
        y.AppendLine(CultureInfo.InvariantCulture, $"  - {{ vcpus: {vcpus}, pin: {(pin ? "true" : "false")}, start_jitter: {Pick(200)}us, guest: {guest} }}");
        if (secondVm)
        {
            y.AppendLine(CultureInfo.InvariantCulture, $"  - {{ vcpus: {vcpus}, pin: {(pin ? "true" : "false")}, pin_offset: {(pin ? vcpus : 0)}, guest: {{ apic: {apic}, stress_cpu: true }} }}");
        }

        y.AppendLine("workload:");
        y.AppendLine(CultureInfo.InvariantCulture, $"  type: {workload}");
        y.Append(Parameters(workload, vcpus, Pick));
        return y.ToString();
    }

    private static string Parameters(string workload, int vcpus, Func<int, int> pick) => workload switch
    {
        "kut-ipi" => $"  iterations: {1 + pick(100)}\n",
        "tscdeadline-latency" => $"  delta: {1000 + pick(500000)}\n  size: {1 + pick(100)}\n",
        "vmexit" => $"  test: {VmexitTests.ByName.Keys.ElementAt(pick(VmexitTests.ByName.Count))}\n  device: {new[] { "no-eventfd", "wildcard-eventfd", "datamatch-eventfd" }[pick(3)]}\n"
            + $"  tpr_shadow: {(pick(2) == 0 ? "on" : "off")}\n  goal_cycles: {1000 + pick(200000)}\n",
        "ipi-bench" => $"  mode: {new[] { "unicast", "broadcast", "multicast" }[pick(3)]}\n  iterations: {1 + pick(50)}\n",
        "ipi-send" => $"  period_us: {5 + pick(100)}\n",
        "cyclictest" => $"  threads: {1 + pick(vcpus)}\n  interval_us: {50 + pick(1000)}\n  priority: {pick(2) * 80}\n",
        "hackbench" => $"  groups: {1 + pick(2)}\n  fds: {1 + pick(4)}\n  loops: {1 + pick(10)}\n",
        "memcached" => $"  threads: {1 + pick(vcpus - 1)}\n  connections: {1 + pick(40)}\n",
        "ebizzy" => $"  threads: {1 + pick(2 * vcpus)}\n",
        "lock-stress" => $"  locks: {1 + pick(3)}\n",
        "pbzip2" => $"  threads: {1 + pick(vcpus)}\n",
        "fio" => $"  config: {FioConfigs[pick(FioConfigs.Length)]}\n  iodepth: {1 + pick(8)}\n",
        _ => throw new InvalidOperationException($"no generator for workload {workload}"),
    };
}
