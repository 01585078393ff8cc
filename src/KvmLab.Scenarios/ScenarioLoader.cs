using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Policies;
using YamlDotNet.RepresentationModel;

namespace KvmLab.Scenarios;

/// <summary>
/// Reads a scenario YAML file strictly: every key must be known, every value valid, and every
/// error names the file, the line and the key, so a user can fix it without guessing. Every
/// number is range-checked against <see cref="ScenarioLimits"/> and every semantic and platform
/// check (<see cref="ScenarioChecks"/>) runs here, so a loaded scenario can run.
/// </summary>
public static partial class ScenarioLoader
{
    private static readonly string[] TopKeys = ["name", "description", "seed", "duration", "warmup", "profile", "machine", "kvm", "features", "vms", "workload"];

    public static ScenarioSpec LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException($"{path.Replace("\0", "\\0", StringComparison.Ordinal)}: cannot read scenario: {e.Message}", e);
        }

        return Parse(text, path);
    }

    public static ScenarioSpec Parse(string yaml, string file = "<scenario>")
    {
        if (SafeYaml.Load(yaml, file) is not YamlMappingNode root)
        {
            throw new ScenarioException(file, 1, "scenario", "the file must be a YAML mapping (key: value lines)");
        }

        var r = new ScenarioYamlReader(file);
        r.CheckKeys(root, "", TopKeys);

        var machine = new MachineSpec();
        if (r.Child(root, "machine") is { } m)
        {
            var mm = r.Mapping(m, "machine");
            r.CheckKeys(mm, "machine.", ["pcpus", "host_hz", "host_hogs", "nohz_full", "sockets", "threads_per_core", "load_balance"]);
            machine = new MachineSpec
            {
                Pcpus = r.Int(mm, "machine.pcpus", "pcpus", machine.Pcpus, min: 1, max: ScenarioLimits.MaxPcpus),
                HostHz = r.Int(mm, "machine.host_hz", "host_hz", machine.HostHz, min: 1, max: ScenarioLimits.MaxHz),
                HostHogs = r.Int(mm, "machine.host_hogs", "host_hogs", 0, min: 0, max: 65536),
                NohzFull = r.Bool(mm, "machine.nohz_full", "nohz_full", false),
                Sockets = r.Int(mm, "machine.sockets", "sockets", 1, min: 1, max: ScenarioLimits.MaxSockets),
                ThreadsPerCore = r.Int(mm, "machine.threads_per_core", "threads_per_core", 1, min: 1, max: ScenarioLimits.MaxThreadsPerCore),
                LoadBalance = r.Bool(mm, "machine.load_balance", "load_balance", true),
            };
            if (machine.TopologyProblem() is { } topology)
            {
                // Named at the key that split the CPUs: threads_per_core if given, else sockets, else pcpus.
                string key = r.Child(mm, "threads_per_core") is not null ? "threads_per_core" : r.Child(mm, "sockets") is not null ? "sockets" : "pcpus";
                throw r.Error(r.Child(mm, key) ?? mm, "machine." + key, topology);
            }
        }

        SimSpan haltPoll = SimSpan.FromMicroseconds(200);
        SimSpan timerAdvance = SimSpan.FromNanoseconds(1000);
        if (r.Child(root, "kvm") is { } k)
        {
            var km = r.Mapping(k, "kvm");
            r.CheckKeys(km, "kvm.", ["halt_poll_ns", "lapic_timer_advance_ns"]);
            haltPoll = new SimSpan(r.Long(km, "kvm.halt_poll_ns", "halt_poll_ns", haltPoll.Ns, min: 0, max: ScenarioLimits.MaxHaltPollNs, "the module parameter is an unsigned int"));
            timerAdvance = new SimSpan(r.Long(km, "kvm.lapic_timer_advance_ns", "lapic_timer_advance_ns", timerAdvance.Ns, min: 0, max: ScenarioLimits.MaxTimerAdvanceNs,
                "LAPIC_TIMER_ADVANCE_NS_MAX"));
        }

        IReadOnlyList<string> features = [.. FeatureCatalog.Defaults.Order(StringComparer.Ordinal)];
        if (r.Child(root, "features") is { } f)
        {
            if (f is not YamlSequenceNode seq)
            {
                throw r.Error(f, "features", "expected a list of feature ids, for example [ipi-fastpath, apicv]");
            }

            var list = new List<string>();
            foreach (YamlNode item in seq)
            {
                string id = r.Scalar(item, "features");
                if (FeatureCatalog.Find(id) is null)
                {
                    throw r.Error(item, "features", $"unknown feature '{id}' (known: {string.Join(", ", FeatureCatalog.Every.Select(x => x.Id))})");
                }

                if (list.Contains(id))
                {
                    throw r.Error(item, "features", $"'{id}' is listed twice");
                }

                list.Add(id);
                r.Remember("features/" + id, item);
            }

            features = list;
        }

        string profile = r.String(root, "profile", "profile", "skylake-sp-2020");
        if (Profiles.Find(profile) is null)
        {
            throw r.Error(r.Child(root, "profile")!, "profile", $"unknown cost profile '{profile}' (known: {string.Join(", ", Profiles.All.Select(p => p.Id))})");
        }

        SimSpan max = ScenarioLimits.MaxDuration;
        SimSpan duration = r.Span(root, "duration", "duration", SimSpan.FromMilliseconds(50), SimSpan.Zero, max);
        if (duration.Ns <= 0)
        {
            throw r.Error(r.Child(root, "duration")!, "duration", "must be positive, for example 50ms");
        }

        SimSpan warmup = r.Span(root, "warmup", "warmup", SimSpan.FromMilliseconds(1), SimSpan.Zero, max);
        if (warmup >= duration)
        {
            throw r.Error(r.Child(root, "warmup") ?? r.Child(root, "duration")!, "warmup",
                $"{ValueText.Format(warmup)} must be shorter than the duration ({ValueText.Format(duration)})");
        }

        var vms = new List<VmSpec>();
        YamlNode? vmsNode = r.Child(root, "vms");
        if (vmsNode is not YamlSequenceNode vmSeq || vmSeq.Children.Count == 0)
        {
            throw r.Error(vmsNode ?? root, "vms", "need a list with at least one VM, for example '- vcpus: 2'");
        }

        if (vmSeq.Children.Count > ScenarioLimits.MaxVms)
        {
            throw r.Error(vmsNode, "vms", $"{vmSeq.Children.Count} VMs is more than {ScenarioLimits.MaxVms}");
        }

        r.Remember("vms", vmsNode);

        var pinnedUse = new int[machine.Pcpus];
        for (int i = 0; i < vmSeq.Children.Count; i++)
        {
            string key = $"vms[{i}]";
            var vm = r.Mapping(vmSeq.Children[i], key);
            r.Remember(key, vm);
            r.CheckKeys(vm, key + ".", ["vcpus", "pin", "pin_offset", "guest", "start_jitter", "workload"]);
            SimSpan jitter = r.Span(vm, key + ".start_jitter", "start_jitter", SimSpan.Zero, SimSpan.Zero, max);
            if (jitter.Ns > 0 && jitter >= duration)
            {
                throw r.Error(r.Child(vm, "start_jitter")!, key + ".start_jitter",
                    $"{ValueText.Format(jitter)} must be shorter than the duration ({ValueText.Format(duration)}), or some vCPUs would never start");
            }

            int vcpus = r.Int(vm, key + ".vcpus", "vcpus", 2, min: 1, max: ScenarioLimits.MaxVcpusPerVm, "KVM_MAX_VCPUS");
            bool pin = r.Bool(vm, key + ".pin", "pin", false);
            int offset = r.Int(vm, key + ".pin_offset", "pin_offset", 0, min: 0, max: ScenarioLimits.MaxPcpus - 1);
            if (pin && offset + vcpus > machine.Pcpus)
            {
                throw r.Error(r.Child(vm, "pin")!, key + ".pin", $"{vcpus} vCPUs pinned from pCPU {offset} need {offset + vcpus} pCPUs but the machine has {machine.Pcpus}");
            }

            var guest = new GuestConfig();
            if (r.Child(vm, "guest") is { } g)
            {
                var gm = r.Mapping(g, key + ".guest");
                r.CheckKeys(gm, key + ".guest.", ["kernel", "apic", "hz", "idle", "cpuidle", "spinlock", "stress_cpu"]);
                string spinlock = r.String(gm, key + ".guest.spinlock", "spinlock", "pv");
                string kernel = r.String(gm, key + ".guest.kernel", "kernel", "linux");
                string apic = r.String(gm, key + ".guest.apic", "apic", "x2apic");
                string idle = r.String(gm, key + ".guest.idle", "idle", "hlt");
                string cpuidle = r.String(gm, key + ".guest.cpuidle", "cpuidle", "none");
                if (cpuidle == "menu" && idle != "hlt")
                {
                    // idle=poll bypasses cpuidle (do_idle: cpu_idle_force_poll); cpuidle-haltpoll names its own governor (.governor = "haltpoll").
                    throw r.Error(r.Child(gm, "cpuidle")!, key + ".guest.cpuidle", $"cpuidle 'menu' needs idle 'hlt' (idle '{idle}' {(idle == "poll" ? "never enters cpuidle" : "uses the haltpoll governor")})");
                }
                guest = new GuestConfig
                {
                    Kind = kernel switch
                    {
                        "linux" => GuestKernelKind.Linux,
                        "kvm-unit-tests" => GuestKernelKind.KvmUnitTests,
                        _ => throw r.Error(r.Child(gm, "kernel")!, key + ".guest.kernel", $"unknown kernel '{kernel}' (linux or kvm-unit-tests)"),
                    },
                    X2Apic = apic switch
                    {
                        "x2apic" or "x2apic-cluster" => true,
                        "xapic" => false,
                        _ => throw r.Error(r.Child(gm, "apic")!, key + ".guest.apic", $"unknown APIC mode '{apic}' (x2apic, x2apic-cluster or xapic)"),
                    },
                    X2ApicCluster = apic == "x2apic-cluster",
                    Hz = r.Int(gm, key + ".guest.hz", "hz", 0, min: 0, max: ScenarioLimits.MaxHz),
                    IdlePoll = idle switch
                    {
                        "hlt" or "haltpoll" => false,
                        "poll" => true,
                        _ => throw r.Error(r.Child(gm, "idle")!, key + ".guest.idle", $"unknown idle mode '{idle}' (hlt, poll or haltpoll)"),
                    },
                    HaltPoll = idle == "haltpoll",
                    CpuIdle = cpuidle switch
                    {
                        "none" => GuestCpuIdle.None,
                        "menu" => GuestCpuIdle.Menu,
                        _ => throw r.Error(r.Child(gm, "cpuidle")!, key + ".guest.cpuidle", $"unknown cpuidle '{cpuidle}' (none or menu)"),
                    },
                    Spinlock = spinlock switch
                    {
                        "pv" => SpinlockKind.PvQspinlock,
                        "qspinlock" => SpinlockKind.Qspinlock,
                        "ticket" => SpinlockKind.Ticket,
                        _ => throw r.Error(r.Child(gm, "spinlock")!, key + ".guest.spinlock", $"unknown spinlock '{spinlock}' (pv, qspinlock or ticket)"),
                    },
                    StressCpu = r.Bool(gm, key + ".guest.stress_cpu", "stress_cpu", false),
                };
            }

            vms.Add(new VmSpec { Vcpus = vcpus, Pin = pin, PinOffset = offset, Guest = guest, StartJitter = jitter });
        }

        YamlNode? wNode = r.Child(root, "workload");
        if (wNode is null)
        {
            throw r.Error(root, "workload", "missing; say what runs, for example 'workload: { type: kut-ipi }'");
        }

        WorkloadSpec workload = ReadWorkload(r, wNode, "workload", vm: null, vms.Count);
        var vmWorkloads = new List<WorkloadSpec>();
        for (int i = 0; i < vmSeq.Children.Count; i++)
        {
            if (r.Child((YamlMappingNode)vmSeq.Children[i], "workload") is { } own)
            {
                vmWorkloads.Add(ReadWorkload(r, own, $"vms[{i}].workload", vm: i, vms.Count));
            }
        }

        var spec = new ScenarioSpec
        {
            Name = r.String(root, "name", "name", Path.GetFileNameWithoutExtension(file)),
            Description = r.Child(root, "description") is { } d ? r.Scalar(d, "description") : null,
            Seed = r.Unsigned(root, "seed", "seed", 1),
            Duration = duration,
            Warmup = warmup,
            Machine = machine,
            Profile = profile,
            Features = features,
            HaltPollMax = haltPoll,
            TimerAdvance = timerAdvance,
            Vms = vms,
            Workload = workload,
            VmWorkloads = vmWorkloads,
            Source = r.Source,
        };

        // The workload's parameter values (by the factory), then what needs the whole scenario:
        // the platform, and whether the workload fits its VM.
        foreach (WorkloadSpec w in spec.AllWorkloads)
        {
            WorkloadFactory.Create(w, file);
        }
        if (ScenarioChecks.Find(spec, Profiles.Find(profile)!) is { } problem)
        {
            throw problem.ToException(spec);
        }

        return spec;
    }
}
