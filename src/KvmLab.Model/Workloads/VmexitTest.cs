namespace KvmLab.Model.Workloads;

/// <summary>The tests of kvm-unit-tests x86/vmexit.c the model runs (one loop body each).</summary>
public enum VmexitTest
{
    Cpuid,
    Vmcall,
    MovFromCr8,
    MovToCr8,
    InlFromPmtimer,
    InlFromQemu,
    InlFromKernel,
    OutlToKernel,
    Rdmsr,
    Wrmsr,
    Ipi,
    IpiHalt,
    SelfIpiStiNop,
    SelfIpiStiHlt,
    X2apicWrite,
    Tscdeadline,
    TscdeadlineImmed,
    PleRoundRobin,
    PciMem,
    PciIo,
}

/// <summary>Which of pci-testdev's tests (QEMU hw/misc/pci-testdev.c) the pci-mem / pci-io loop writes to.</summary>
public enum PciTestdevKind
{
    /// <summary>"no-eventfd": no ioeventfd, every write exits to QEMU.</summary>
    NoEventfd,

    /// <summary>"wildcard-eventfd": an ioeventfd matching any value.</summary>
    WildcardEventfd,

    /// <summary>"datamatch-eventfd": an ioeventfd matching the test's value (the kernel compares it in ioeventfd_in_range).</summary>
    DatamatchEventfd,
}

/// <summary>The names vmexit.flat prints for its tests, and the spellings the catalog uses.</summary>
public static class VmexitTests
{
    /// <summary>Name to test; vmexit.flat's own spellings (ipi+halt, ple-round-robin, rd/wr_tsc_adjust_msr) are accepted too.</summary>
    public static readonly IReadOnlyDictionary<string, VmexitTest> ByName = new Dictionary<string, VmexitTest>(StringComparer.Ordinal)
    {
        ["cpuid"] = VmexitTest.Cpuid,
        ["vmcall"] = VmexitTest.Vmcall,
        ["mov_from_cr8"] = VmexitTest.MovFromCr8,
        ["mov_to_cr8"] = VmexitTest.MovToCr8,
        ["inl_from_pmtimer"] = VmexitTest.InlFromPmtimer,
        ["inl_from_qemu"] = VmexitTest.InlFromQemu,
        ["inl_from_kernel"] = VmexitTest.InlFromKernel,
        ["outl_to_kernel"] = VmexitTest.OutlToKernel,
        ["rdmsr"] = VmexitTest.Rdmsr,
        ["rd_tsc_adjust_msr"] = VmexitTest.Rdmsr,
        ["wrmsr"] = VmexitTest.Wrmsr,
        ["wr_tsc_adjust_msr"] = VmexitTest.Wrmsr,
        ["ipi"] = VmexitTest.Ipi,
        ["ipi_halt"] = VmexitTest.IpiHalt,
        ["ipi+halt"] = VmexitTest.IpiHalt,
        ["self_ipi_sti_nop"] = VmexitTest.SelfIpiStiNop,
        ["self_ipi_sti_hlt"] = VmexitTest.SelfIpiStiHlt,
        ["x2apic_write"] = VmexitTest.X2apicWrite,
        ["tscdeadline"] = VmexitTest.Tscdeadline,
        ["tscdeadline_immed"] = VmexitTest.TscdeadlineImmed,
        ["ple_round_robin"] = VmexitTest.PleRoundRobin,
        ["ple-round-robin"] = VmexitTest.PleRoundRobin,
        ["pci-mem"] = VmexitTest.PciMem,
        ["pci_mem"] = VmexitTest.PciMem,
        ["pci-io"] = VmexitTest.PciIo,
        ["pci_io"] = VmexitTest.PciIo,
    };

    /// <summary>pci-testdev test names, with or without QEMU's portio-/mmio- prefix.</summary>
    public static bool TryDevice(string name, out PciTestdevKind kind)
    {
        string n = name.Replace("portio-", "", StringComparison.Ordinal).Replace("mmio-", "", StringComparison.Ordinal).Replace('_', '-');
        (bool ok, kind) = n switch
        {
            "no-eventfd" => (true, PciTestdevKind.NoEventfd),
            "wildcard-eventfd" => (true, PciTestdevKind.WildcardEventfd),
            "datamatch-eventfd" => (true, PciTestdevKind.DatamatchEventfd),
            _ => (false, PciTestdevKind.NoEventfd),
        };
        return ok;
    }

    /// <summary>Tests vmexit.c marks .parallel = 1 (run on every CPU at once by on_cpu_async).</summary>
    public static bool Parallel(VmexitTest t) => t is VmexitTest.Cpuid or VmexitTest.Vmcall or VmexitTest.MovFromCr8 or VmexitTest.MovToCr8
        or VmexitTest.InlFromPmtimer or VmexitTest.InlFromQemu or VmexitTest.InlFromKernel or VmexitTest.OutlToKernel
        or VmexitTest.PleRoundRobin or VmexitTest.Wrmsr or VmexitTest.Rdmsr;

    /// <summary>Tests that need a second vCPU (vmexit.c's is_smp).</summary>
    public static bool NeedsSmp(VmexitTest t) => t is VmexitTest.Ipi or VmexitTest.IpiHalt;
}
