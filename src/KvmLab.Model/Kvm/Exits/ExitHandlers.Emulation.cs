using KvmLab.Model.Hardware;

namespace KvmLab.Model.Kvm.Exits;

/// <summary>
/// The handlers of the exits kvm-unit-tests' x86/vmexit.c times (CPUID, port I/O, MMIO, RDMSR,
/// CR8, the interrupt window), arch/x86/kvm/vmx/vmx.c and x86.c (v5.10). An access no in-kernel
/// device or ioeventfd takes leaves KVM_RUN for QEMU and comes back: that round trip is charged
/// inside the exit (the vCPU thread is out of the guest throughout).
/// </summary>
public static partial class ExitHandlers
{
    /// <summary>handle_cpuid -> kvm_emulate_cpuid.</summary>
    public static ExitHandling Cpuid(Vcpu v) => new(v.Host.Costs.CpuidEmulation, ExitEffect.None);

    /// <summary>handle_rdmsr -> kvm_emulate_rdmsr of an MSR KVM emulates in the kernel.</summary>
    public static ExitHandling MsrRead(Vcpu v) => new(v.Host.Costs.RdmsrEmulation, ExitEffect.None);

    /// <summary>handle_cr: MOV from/to CR8 when the TPR shadow is off (kvm_get_cr8 / kvm_set_cr8).</summary>
    public static ExitHandling CrAccess(Vcpu v) => new(v.Host.Costs.CrAccessHandler, ExitEffect.None);

    /// <summary>handle_interrupt_window: the window opened; the pending interrupt is injected on the way in.</summary>
    public static ExitHandling InterruptWindow(Vcpu v) => new(v.Host.Costs.InterruptWindowHandler, ExitEffect.None);

    /// <summary>
    /// handle_io -> kvm_fast_pio (port in <see cref="ExitInfo.Msr"/>, OUT when Data is 1): an
    /// in-kernel device's port (<see cref="IsKernelPort"/>) or an OUT that matches a PIO ioeventfd
    /// completes in the kernel; anything else is KVM_EXIT_IO to QEMU.
    /// </summary>
    public static ExitHandling IoInstruction(Vcpu v, in ExitInfo e)
    {
        CostProfile c = v.Host.Costs;
        bool write = e.Data == 1;
        if (write && v.Vm.PioIoeventfdAt(e.Msr) is not null)
        {
            // kvm_io_bus_write(KVM_PIO_BUS) -> ioeventfd_write -> eventfd_signal (virt/kvm/eventfd.c).
            return new(c.PioEmulation + c.Storage.EventfdSignal, ExitEffect.SignalPioIoeventfd);
        }

        return IsKernelPort(e.Msr)
            ? new(c.PioEmulation, ExitEffect.None)
            : new(c.PioEmulation + c.UserspaceExitRoundtrip, ExitEffect.None);
    }

    /// <summary>
    /// handle_ept_misconfig (v5.10): a write to an address on KVM_FAST_MMIO_BUS is served without
    /// decoding the instruction — kvm_io_bus_write finds the ioeventfd, ioeventfd_write signals
    /// its eventfd — and the instruction is skipped. Any other address goes through
    /// kvm_mmu_page_fault's instruction emulation to KVM_EXIT_MMIO and QEMU.
    /// </summary>
    public static ExitHandling EptMisconfig(Vcpu v, in ExitInfo e)
    {
        CostProfile c = v.Host.Costs;
        if (v.Vm.IoeventfdAt(e.Data) is null)
        {
            return new(c.MmioInstructionEmulation + c.UserspaceExitRoundtrip, ExitEffect.None);
        }

        return new(c.Storage.IoeventfdMmioHandler + c.Storage.EventfdSignal, ExitEffect.SignalIoeventfd);
    }

    /// <summary>
    /// Ports an in-kernel irqchip serves on KVM_PIO_BUS: the i8259 pair and its ELCR
    /// (arch/x86/kvm/i8259.c kvm_pic_init: 0x20, 0xa0, 0x4d0) and the PIT with its speaker port
    /// (arch/x86/kvm/i8254.c: 0x40-0x43, 0x61).
    /// </summary>
    public static bool IsKernelPort(uint port) => port is 0x20 or 0x21 or 0xa0 or 0xa1 or 0x4d0 or 0x4d1 or (>= 0x40 and <= 0x43) or 0x61;
}
