using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Guests;

/// <summary>
/// A VM with guest RAM at 0, long-mode page tables, GDT/TSS/IDT and its vCPUs, ready to load an
/// <see cref="AssembledGuest"/> and start each vCPU at a label. Everything it opened is closed on
/// Dispose, and on any failure while it is being built.
/// </summary>
public sealed class TinyVm : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private TinyVm(Kvm kvm, TinyVmOptions options)
    {
        Options = options;
        Vm = Own(kvm.CreateVm());
        Memory = Own(new GuestMemory(GuestLayout.RamSize));
    }

    public TinyVmOptions Options { get; }

    public VmFd Vm { get; }

    public GuestMemory Memory { get; }

    public IReadOnlyList<VcpuFd> Vcpus { get; private set; } = [];

    public static TinyVm Create(Kvm kvm, TinyVmOptions options)
    {
        var vm = new TinyVm(kvm, options);
        try
        {
            vm.Build(kvm);
            return vm;
        }
        catch
        {
            vm.Dispose();
            throw;
        }
    }

    private T Own<T>(T d)
        where T : IDisposable
    {
        _owned.Add(d);
        return d;
    }

    private void Build(Kvm kvm)
    {
        // VM-wide settings must precede vCPU creation (api.rst: KVM_CREATE_IRQCHIP, KVM_CAP_SPLIT_IRQCHIP,
        // KVM_CAP_X86_DISABLE_EXITS all say "before creating any vCPU").
        switch (Options.Irqchip)
        {
            case IrqchipMode.Full:
                Vm.CreateIrqchip();
                break;
            case IrqchipMode.Split:
                Vm.EnableCap(KvmCap.SplitIrqchip, 24); // 24 IOAPIC routes reserved for userspace
                break;
            case IrqchipMode.None:
                break;
        }

        if (Options.HaltPollNs is ulong poll)
        {
            Vm.EnableCap(KvmCap.HaltPoll, poll);
        }

        if (Options.DisableExits != 0)
        {
            Vm.EnableCap(KvmCap.X86DisableExits, Options.DisableExits);
        }

        Vm.SetUserMemoryRegion(0, new Gpa(0), Memory);
        GuestImage.WritePageTables(Memory);
        GuestImage.WriteGdtAndTss(Memory, Options.Vcpus);

        byte[] cpuid = kvm.SupportedCpuid();
        var vcpus = new List<VcpuFd>();
        for (int i = 0; i < Options.Vcpus; i++)
        {
            VcpuFd v = Own(Vm.CreateVcpu(i));
            vcpus.Add(v);
            v.SetCpuid(cpuid); // x2APIC and TSC-deadline are only allowed when CPUID advertises them
            KvmSregs s = GuestImage.LongModeSregs(v.GetSregs(), i, Options.Vcpus);
            if (Options.Irqchip != IrqchipMode.None)
            {
                // IA32_APIC_BASE: base 0xFEE00000, global enable (bit 11), x2APIC (bit 10), BSP (bit 8).
                s.ApicBase = GuestLayout.ApicBase | 0x800 | (Options.X2Apic ? 0x400UL : 0) | (i == 0 ? 0x100UL : 0);
            }

            v.SetSregs(s);
            if (i > 0 && Options.Irqchip != IrqchipMode.None)
            {
                // With an in-kernel LAPIC an AP waits for INIT/SIPI (KVM_MP_STATE_UNINITIALIZED): make it runnable.
                v.SetMpState(VcpuFd.MpStateRunnable);
            }
        }

        Vcpus = vcpus;
    }

    /// <summary>Copies the code to <see cref="GuestLayout.Code"/> and fills the IDT with its gates.</summary>
    public void Load(AssembledGuest guest)
    {
        Memory.Write(new Gpa(GuestLayout.Code), guest.Code);
        foreach ((int vector, ulong handler) in guest.Gates)
        {
            GuestImage.WriteIdtGate(Memory, vector, handler);
        }
    }

    /// <summary>Starts vCPU <paramref name="vcpu"/> at <paramref name="rip"/> in CPL0 on its kernel stack, interrupts off.</summary>
    public void Start(int vcpu, ulong rip, ulong rdi = 0, ulong r9 = 0)
    {
        Vcpus[vcpu].SetRegs(new KvmRegs
        {
            Rip = rip,
            Rsp = GuestLayout.KernelStackTop(vcpu),
            Rflags = 0x2,
            Rdi = rdi,
            R9 = r9,
        });
    }

    public void Dispose()
    {
        // vCPUs first, then the VM, then the memory it mapped (reverse order of creation).
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }
}
