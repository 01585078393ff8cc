using System.Globalization;
using KvmLab.Engine.Time;
using KvmLab.Model.Storage;
using KvmLab.Model.Workloads;

namespace KvmLab.Scenarios;

/// <summary>
/// The fio workload's scenario keys: fio's own job options, the drive, and the storage
/// configuration (which can start from a ladder bar by name and override single switches).
/// </summary>
public static class FioParameters
{
    /// <summary>fio's own job keys and the drive; the storage switches are declared in Policies/Hajnoczi2020/StorageSwitches.cs.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "rw", "bs", "iodepth", "numjobs", "runtime", "device", "device_latency", "config",
        .. KvmLab.Policies.Hajnoczi2020.StorageSwitches.All.Select(s => s.Key),
        "vcpu_node", "iothread_node", "memory_node",
    ];

    public const string Description =
        "fio against an NVMe drive through bare metal, virtio-blk in QEMU (main loop or IOThread, aio=native, io_uring or the userspace NVMe driver) or VFIO (IOPS, clat, latency breakdown, CPU)";

    /// <summary>Named configurations: the bars of Hajnoczi 2020's ladder, in published order.</summary>
    public static IReadOnlyList<(string Name, StorageConfig Config)> Configs { get; } =
    [
        ("bare-metal", new StorageConfig { Path = StoragePath.BareMetal }),
        ("bare-metal-iopoll", new StorageConfig { Path = StoragePath.BareMetal, IoPoll = true }),
        ("aio-native", new StorageConfig { Path = StoragePath.VirtioBlk, IoThread = false, Backend = QemuBackend.AioNative }),
        ("iothread", new StorageConfig { Path = StoragePath.VirtioBlk, IoThread = true, Backend = QemuBackend.AioNative }),
        ("userspace-nvme", new StorageConfig { Path = StoragePath.VirtioBlk, IoThread = true, Backend = QemuBackend.UserspaceNvme }),
        ("guest-iopoll", new StorageConfig { Path = StoragePath.VirtioBlk, IoThread = true, Backend = QemuBackend.UserspaceNvme, IoPoll = true }),
        ("polled-queues", new StorageConfig { Path = StoragePath.VirtioBlk, IoThread = true, Backend = QemuBackend.UserspaceNvme, IoPoll = true, PolledQueues = true }),
        ("aio-fastpath", new StorageConfig { Path = StoragePath.VirtioBlk, IoThread = true, Backend = QemuBackend.UserspaceNvme, IoPoll = true, PolledQueues = true, AioFastpath = true }),
        ("vfio", new StorageConfig { Path = StoragePath.VfioPassthrough }),
        ("vfio-iopoll", new StorageConfig { Path = StoragePath.VfioPassthrough, IoPoll = true }),
    ];

    public static FioWorkload Create(IReadOnlyDictionary<string, ScalarValue> p, string file, string workloadKey = "workload")
    {
        ArgumentNullException.ThrowIfNull(p);
        ScenarioException Bad(string key, string problem) => new(file, p[key].Line, $"{workloadKey}.{key}", problem);
        string Text(string key, ScalarValue v) => v.Items is null ? v.Text : throw Bad(key, "expected a single value, not a list");

        long Long(string key, long fallback, long min, long max)
        {
            if (!p.TryGetValue(key, out ScalarValue? v))
            {
                return fallback;
            }

            return ValueText.Integer(Text(key, v), min, max, out long x) is { } problem ? throw Bad(key, problem) : x;
        }

        bool Bool(string key, bool fallback)
        {
            if (!p.TryGetValue(key, out ScalarValue? v))
            {
                return fallback;
            }

            return Text(key, v) switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                _ => throw Bad(key, $"'{v.Text}' must be true or false"),
            };
        }

        string Choice(string key, string fallback, params string[] allowed)
        {
            if (!p.TryGetValue(key, out ScalarValue? v))
            {
                return fallback;
            }

            return allowed.Contains(Text(key, v)) ? v.Text : throw Bad(key, $"unknown value '{v.Text}' (known: {string.Join(", ", allowed)})");
        }

        StorageConfig cfg = new();
        if (p.ContainsKey("config"))
        {
            string name = Choice("config", "", [.. Configs.Select(c => c.Name)]);
            cfg = Configs.First(c => c.Name == name).Config;
        }

        string path = Choice("path", cfg.Path switch { StoragePath.BareMetal => "bare-metal", StoragePath.VfioPassthrough => "vfio", _ => "virtio-blk" },
            "bare-metal", "virtio-blk", "vfio");
        string backend = Choice("backend", cfg.Backend switch { QemuBackend.IoUring => "io_uring", QemuBackend.UserspaceNvme => "nvme", QemuBackend.NullCo => "null-co", _ => "native" },
            "native", "io_uring", "nvme", "null-co");
        cfg = cfg with
        {
            Path = path switch { "bare-metal" => StoragePath.BareMetal, "vfio" => StoragePath.VfioPassthrough, _ => StoragePath.VirtioBlk },
            Backend = backend switch { "io_uring" => QemuBackend.IoUring, "nvme" => QemuBackend.UserspaceNvme, "null-co" => QemuBackend.NullCo, _ => QemuBackend.AioNative },
            NullLatencyNs = Long("null_latency_ns", cfg.NullLatencyNs, 0, 1_000_000_000),
            AioNotifyMePolling = Bool("aio_notify_me_polling", cfg.AioNotifyMePolling),
            IoThread = Bool("iothread", cfg.IoThread),
            PolledQueues = Bool("polled_queues", cfg.PolledQueues),
            AioFastpath = Bool("aio_fastpath", cfg.AioFastpath),
            IoPoll = Bool("io_poll", cfg.IoPoll),
            GuestHaltPoll = Bool("guest_haltpoll", cfg.GuestHaltPoll),
            MultiQueue = Bool("multiqueue", cfg.MultiQueue),
            PollMaxNs = Long("poll_max_ns", cfg.PollMaxNs, 0, 1_000_000_000),
            PollGrow = Long("poll_grow", cfg.PollGrow, 0, 1024),
            PollShrink = Long("poll_shrink", cfg.PollShrink, 0, 1024),
            VcpuNode = (int)Long("vcpu_node", cfg.VcpuNode, 0, 7),
            IoThreadNode = (int)Long("iothread_node", cfg.IoThreadNode, 0, 7),
            MemoryNode = (int)Long("memory_node", cfg.MemoryNode, 0, 7),
            IrqOnOtherCpu = Bool("irq_other_cpu", cfg.IrqOnOtherCpu),
        };

        if (cfg.PolledQueues && cfg.Backend != QemuBackend.UserspaceNvme)
        {
            throw Bad("polled_queues", "polled queues need the userspace NVMe driver (backend: nvme)");
        }

        if (cfg.Backend == QemuBackend.NullCo && cfg.Path != StoragePath.VirtioBlk)
        {
            throw Bad("backend", "null-co is a QEMU block driver: it needs path: virtio-blk");
        }

        if (cfg.NullLatencyNs != 0 && cfg.Backend != QemuBackend.NullCo)
        {
            throw Bad("null_latency_ns", "null_latency_ns is null-co's latency-ns option (backend: null-co)");
        }

        if (cfg.AioNotifyMePolling && !(cfg.Path == StoragePath.VirtioBlk && cfg.IoThread))
        {
            throw Bad("aio_notify_me_polling", "only an IOThread polls (path: virtio-blk, iothread: true)");
        }

        if (cfg.AioFastpath && cfg.Backend != QemuBackend.UserspaceNvme)
        {
            throw Bad("aio_fastpath", "the aio fastpath prototype drives the userspace NVMe driver (backend: nvme)");
        }

        string rw = Choice("rw", "randread", "randread", "randwrite");
        SimSpan runtime = SimSpan.Zero;
        if (p.TryGetValue("runtime", out ScalarValue? rt))
        {
            runtime = Positive("runtime", rt, ScenarioLimits.MaxDuration, "20ms");
        }

        SimSpan? deviceLatency = null;
        if (p.TryGetValue("device_latency", out ScalarValue? dl))
        {
            deviceLatency = Positive("device_latency", dl, ScenarioLimits.MaxDeviceLatency, "17us");
        }

        int numjobs = (int)Long("numjobs", 1, 1, 64);

        SimSpan Positive(string key, ScalarValue v, SimSpan max, string example)
        {
            if (ValueText.Span(Text(key, v), SimSpan.Zero, max, out SimSpan span) is { } problem)
            {
                throw Bad(key, problem);
            }

            return span.Ns > 0 ? span : throw Bad(key, $"must be positive, for example {example}");
        }
        return new FioWorkload
        {
            Config = cfg with { Vcpus = Math.Max(cfg.Vcpus, numjobs) },
            Job = new FioJob
            {
                Rw = rw,
                BlockSize = (int)Long("bs", 4096, 512, 1 << 20),
                IoDepth = (int)Long("iodepth", 1, 1, 1024),
                NumJobs = numjobs,
                Runtime = runtime,
            },
            Device = Choice("device", NvmeDevices.OptaneP4800X, [.. NvmeDevices.Ids]),
            DeviceLatency = deviceLatency,
        };
    }
}
