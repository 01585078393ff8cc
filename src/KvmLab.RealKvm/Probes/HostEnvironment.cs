using System.Globalization;

namespace KvmLab.RealKvm.Probes;

/// <summary>
/// What the numbers were measured on: KVM flavour (VMX, SVM or PVM) from the loaded modules in
/// /sys/module, whether this host is itself a guest (CPUID "hypervisor" flag in /proc/cpuinfo),
/// CPU model, TSC frequency, kernel release and every kvm* module parameter.
/// </summary>
public sealed record HostEnvironment
{
    public required string Flavour { get; init; }

    public required bool HostIsGuest { get; init; }

    public required string Nesting { get; init; }

    public required string CpuModel { get; init; }

    public required int Cpus { get; init; }

    public required long TscKhz { get; init; }

    public required string Kernel { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> ModuleParameters { get; init; }

    public bool IsPvm => Flavour.StartsWith("PVM", StringComparison.Ordinal);

    /// <summary>Set when the figures cannot stand for hardware-assisted virtualization.</summary>
    public string? Warning => IsPvm
        ? "WARNING: /dev/kvm here is PVM (kvm_pvm), a paravirtualized, page-table based KVM running nested inside another VM. "
          + "Guest ring 0 is emulated instruction by instruction (~1-2 us each; interrupts injected at batch ends), guest ring 3 runs natively, "
          + "and every exit is a switch between host user and host kernel, not a VMX/SVM world switch. "
          + "These numbers describe this PVM host only; they do not stand for VMX or SVM hardware virtualization."
        : HostIsGuest ? "WARNING: this host is itself a virtual machine (nested virtualization): exits pass through the outer hypervisor." : null;

    public static HostEnvironment Collect(long tscKhz, string sysModule = "/sys/module", string procCpuinfo = "/proc/cpuinfo")
    {
        string flavour = Directory.Exists(Path.Combine(sysModule, "kvm_pvm")) ? "PVM (kvm_pvm)"
            : Directory.Exists(Path.Combine(sysModule, "kvm_intel")) ? "VMX (kvm_intel)"
            : Directory.Exists(Path.Combine(sysModule, "kvm_amd")) ? "SVM (kvm_amd)"
            : "unknown (no kvm_intel, kvm_amd or kvm_pvm module)";
        string cpuinfo = File.Exists(procCpuinfo) ? File.ReadAllText(procCpuinfo) : "";
        string model = Field(cpuinfo, "model name") ?? "unknown";
        string flags = Field(cpuinfo, "flags") ?? "";
        bool isGuest = flags.Split(' ').Contains("hypervisor");
        var parameters = new List<KeyValuePair<string, string>>();
        string nestedParam = "no 'nested' module parameter";
        if (Directory.Exists(sysModule))
        {
            foreach (string mod in Directory.GetDirectories(sysModule, "kvm*").Order(StringComparer.Ordinal))
            {
                string pdir = Path.Combine(mod, "parameters");
                if (!Directory.Exists(pdir))
                {
                    continue;
                }

                foreach (string p in Directory.GetFiles(pdir).Order(StringComparer.Ordinal))
                {
                    string value;
                    try
                    {
                        value = File.ReadAllText(p).Trim();
                    }
                    catch (IOException)
                    {
                        value = "?";
                    }
                    catch (UnauthorizedAccessException)
                    {
                        value = "?";
                    }

                    string key = $"{Path.GetFileName(mod)}.{Path.GetFileName(p)}";
                    parameters.Add(new(key, value));
                    if (Path.GetFileName(p) == "nested")
                    {
                        nestedParam = $"{key}={value}";
                    }
                }
            }
        }

        string nesting = isGuest
            ? $"this host is a guest of another hypervisor (CPUID hypervisor bit); KVM here runs nested; {nestedParam}"
            : $"bare metal; {nestedParam}";
        string kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.VersionString;
        return new HostEnvironment
        {
            Flavour = flavour,
            HostIsGuest = isGuest,
            Nesting = nesting,
            CpuModel = model,
            Cpus = Environment.ProcessorCount,
            TscKhz = tscKhz,
            Kernel = kernel,
            ModuleParameters = parameters,
        };
    }

    private static string? Field(string cpuinfo, string name)
    {
        foreach (string line in cpuinfo.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == name)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    public string TscGhzText => (TscKhz / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + " GHz";
}
