using KvmLab.RealKvm.Probes;

namespace KvmLab.RealKvm.Tests.Probes;

public sealed class HostEnvironmentTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"kvmlab-env-{Guid.NewGuid():N}");

    public HostEnvironmentTests()
    {
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Module(string name, params (string Key, string Value)[] parameters)
    {
        string dir = Path.Combine(_root, "module", name, "parameters");
        Directory.CreateDirectory(dir);
        foreach ((string k, string v) in parameters)
        {
            File.WriteAllText(Path.Combine(dir, k), v + "\n");
        }

        return Path.Combine(_root, "module");
    }

    private string Cpuinfo(string flags)
    {
        string f = Path.Combine(_root, "cpuinfo");
        File.WriteAllText(f, $"processor\t: 0\nmodel name\t: Test CPU 9000\nflags\t\t: fpu {flags} sse2\n");
        return f;
    }

    [Fact]
    public void Pvm_NestedGuest_WarnsAndListsParameters()
    {
        string mods = Module("kvm_pvm", ("pvm_emul_batch", "1024"));
        Module("kvm", ("halt_poll_ns", "200000"));

        HostEnvironment env = HostEnvironment.Collect(2_600_000, mods, Cpuinfo("hypervisor x2apic"));

        Assert.Equal("PVM (kvm_pvm)", env.Flavour);
        Assert.True(env.IsPvm);
        Assert.True(env.HostIsGuest);
        Assert.Equal("Test CPU 9000", env.CpuModel);
        Assert.Contains(new KeyValuePair<string, string>("kvm.halt_poll_ns", "200000"), env.ModuleParameters);
        Assert.Contains(new KeyValuePair<string, string>("kvm_pvm.pvm_emul_batch", "1024"), env.ModuleParameters);
        Assert.Contains("do not stand for VMX or SVM", env.Warning, StringComparison.Ordinal);
        Assert.Equal("2.600 GHz", env.TscGhzText);
    }

    [Fact]
    public void Vmx_BareMetal_NoWarning_ReportsNestedParameter()
    {
        string mods = Module("kvm_intel", ("nested", "Y"));

        HostEnvironment env = HostEnvironment.Collect(3_000_000, mods, Cpuinfo("vmx"));

        Assert.Equal("VMX (kvm_intel)", env.Flavour);
        Assert.False(env.HostIsGuest);
        Assert.Null(env.Warning);
        Assert.Contains("kvm_intel.nested=Y", env.Nesting, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_PrintsEnvironmentAndWarning()
    {
        HostEnvironment env = HostEnvironment.Collect(2_600_000, Module("kvm_pvm"), Cpuinfo("hypervisor"));
        string text = ProbeReport.Environment(env);
        Assert.Contains("KVM flavour   PVM (kvm_pvm)", text, StringComparison.Ordinal);
        Assert.Contains("WARNING", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_OneFilePerMeasuredProbe()
    {
        ProbeResult[] results =
        [
            ProbeResult.Measured("exits", "x", "d", [1.5, 2.5], 0),
            ProbeResult.Skipped("exits", "y", "d", "why"),
        ];
        string dir = Path.Combine(_root, "out");

        ProbeReport.WriteCsv(dir, results);

        Assert.Equal("sample,ns\n0,1.5\n1,2.5\n", File.ReadAllText(Path.Combine(dir, "exits-x.csv")));
        Assert.False(File.Exists(Path.Combine(dir, "exits-y.csv")));
    }
}
