using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace KvmLab.Cli.Tests.Slurm;

/// <summary>
/// A one-node Slurm cluster on localhost, everything in one temporary directory: a MUNGE daemon
/// with its own key and socket, slurmctld and slurmd on free ports with a generated minimal
/// slurm.conf (no accounting, no cgroups), shut down and killed by their pid files on dispose.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class LocalSlurmCluster : IDisposable
{
    private readonly List<string> _pidFiles = [];

    private LocalSlurmCluster(string dir)
    {
        Dir = dir;
        Env = new Dictionary<string, string> { ["SLURM_CONF"] = Conf };
    }

    public string Dir { get; }

    public string Conf => Path.Combine(Dir, "slurm.conf");

    /// <summary>The environment every Slurm client call needs (the generated slurm.conf).</summary>
    public IReadOnlyDictionary<string, string> Env { get; }

    /// <summary>The daemons' logs, for a failing test's message.</summary>
    public string Logs => string.Join("\n", Directory.GetFiles(Path.Combine(Dir, "log")).Order(StringComparer.Ordinal)
        .Select(f => $"== {Path.GetFileName(f)}\n{string.Join("\n", File.ReadLines(f).TakeLast(30))}"));

    public static LocalSlurmCluster Start(string dir)
    {
        var c = new LocalSlurmCluster(dir);
        try
        {
            c.Boot();
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    public Shell.Result Client(string program, params string[] args) => Shell.Run(Shell.Find(program) ?? program, args, Env);

    private void Boot()
    {
        foreach (string d in new[] { "state", "spool", "log", "run" })
        {
            Directory.CreateDirectory(Path.Combine(Dir, d));
        }

        // MUNGE: its own key (munged refuses one that others can read) and socket, so a system munged is left alone.
        string key = Path.Combine(Dir, "munge.key");
        File.WriteAllBytes(key, RandomNumberGenerator.GetBytes(1024));
        File.SetUnixFileMode(key, UnixFileMode.UserRead);
        string socket = Path.Combine(Dir, "run", "munge.socket");
        Daemon("munged", Path.Combine(Dir, "run", "munged.pid"), $"--socket={socket}", $"--key-file={key}", $"--pid-file={Path.Combine(Dir, "run", "munged.pid")}",
            $"--log-file={Path.Combine(Dir, "log", "munged.log")}", $"--seed-file={Path.Combine(Dir, "run", "munged.seed")}");

        int ctldPort = FreePort(), slurmdPort = FreePort();
        while (slurmdPort == ctldPort)
        {
            slurmdPort = FreePort();
        }

        // Half the machine's memory for the node, so slurmd never finds less than configured.
        long memMb = MemTotalMb() / 2;
        var inv = CultureInfo.InvariantCulture;
        File.WriteAllText(Conf, string.Join("\n",
        [
            "ClusterName=kvmlabtest",
            "SlurmctldHost=localhost(127.0.0.1)",
            $"SlurmctldPort={ctldPort.ToString(inv)}",
            $"SlurmdPort={slurmdPort.ToString(inv)}",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            $"AuthInfo=socket={socket}",
            "SlurmUser=root",
            "SlurmdUser=root",
            $"StateSaveLocation={Path.Combine(Dir, "state")}",
            $"SlurmdSpoolDir={Path.Combine(Dir, "spool")}",
            $"SlurmctldPidFile={Path.Combine(Dir, "run", "slurmctld.pid")}",
            $"SlurmdPidFile={Path.Combine(Dir, "run", "slurmd.pid")}",
            $"SlurmctldLogFile={Path.Combine(Dir, "log", "slurmctld.log")}",
            $"SlurmdLogFile={Path.Combine(Dir, "log", "slurmd.log")}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "MpiDefault=none",
            "ReturnToService=2",
            "MinJobAge=600",
            "JobCompType=jobcomp/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            $"NodeName=localhost NodeAddr=127.0.0.1 CPUs={Environment.ProcessorCount.ToString(inv)} RealMemory={memMb.ToString(inv)} State=UNKNOWN",
            "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
            "",
        ]));
        Daemon("slurmctld", Path.Combine(Dir, "run", "slurmctld.pid"), "-f", Conf);
        Daemon("slurmd", Path.Combine(Dir, "run", "slurmd.pid"), "-f", Conf, "-N", "localhost");

        // Ready when the node is idle (slurmd registered with slurmctld).
        var until = DateTime.UtcNow.AddSeconds(60);
        string state = "";
        while (DateTime.UtcNow < until)
        {
            state = Client("sinfo", "-h", "-n", "localhost", "-o", "%T").Out.Trim();
            if (state == "idle")
            {
                return;
            }

            Thread.Sleep(500);
        }

        throw new InvalidOperationException($"the node did not become idle in 60 s (state '{state}')\n{Logs}");
    }

    /// <summary>Starts a daemon (as root: sudo -n when not root); it forks, and its pid file is how it is stopped.</summary>
    private void Daemon(string program, string pidFile, params string[] args)
    {
        _pidFiles.Add(pidFile);
        IReadOnlyList<string> root = SlurmFactAttribute.AsRoot;
        string exe = Shell.Find(program) ?? throw new InvalidOperationException($"{program} is not installed");
        Shell.Result r = root.Count == 0 ? Shell.Run(exe, args, Env) : Shell.Run(root[0], [.. root.Skip(1), exe, .. args], Env);
        if (r.Code != 0)
        {
            throw new InvalidOperationException($"{program} did not start: {r}\n{Logs}");
        }
    }

    public void Dispose()
    {
        if (File.Exists(Conf))
        {
            Client("scontrol", "shutdown"); // slurmctld and slurmd stop cleanly
        }

        // Whatever is still running a few seconds later is killed by its pid (munged is always).
        var until = DateTime.UtcNow.AddSeconds(10);
        IReadOnlyList<string> root = SlurmFactAttribute.AsRoot;
        foreach (string f in Enumerable.Reverse(_pidFiles))
        {
            if (!File.Exists(f) || !int.TryParse(File.ReadAllText(f).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            while (Alive(pid) && DateTime.UtcNow < until && !f.EndsWith("munged.pid", StringComparison.Ordinal))
            {
                Thread.Sleep(200);
            }

            if (Alive(pid))
            {
                string[] kill = ["kill", f.EndsWith("munged.pid", StringComparison.Ordinal) ? "-TERM" : "-KILL", pid.ToString(CultureInfo.InvariantCulture)];
                Shell.Run(root.Count == 0 ? kill[0] : root[0], root.Count == 0 ? kill[1..] : [.. root.Skip(1), .. kill]);
            }
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Files a root daemon wrote under sudo: left in the temporary directory.
        }
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static long MemTotalMb()
    {
        string line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
