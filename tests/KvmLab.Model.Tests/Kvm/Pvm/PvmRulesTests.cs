using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm.Pvm;

namespace KvmLab.Model.Tests.Kvm.Pvm;

/// <summary>
/// The PVM flavour's rules pinned to the PVM RFC's pvm.c and to this host's measurements
/// (docs/PVM.md): PVM-mode STI/CLI do not exit (pvm_set_rflags, do_pvm_event: IF in
/// PVCS::event_flags), privileged instructions trap (#GP -> handle_exit_exception ->
/// kvm_emulate_instruction), non-PVM-mode ring 0 runs in batches (handle_non_pvm_mode: at most 130
/// instructions, back to vcpu_run on KVM_REQ_EVENT, HLT or pending work), no posted interrupts.
/// </summary>
public class PvmRulesTests
{
    private static readonly PvmCosts Rfc = PvmHere.Profile().Pvm with { EmulationBatch = PvmCosts.RfcEmulationBatch, EventCheckPerInstruction = true };

    [Theory]
    [InlineData(GuestInstruction.Sti)]
    [InlineData(GuestInstruction.Cli)]
    [InlineData(GuestInstruction.Syscall)]
    public void PvmModeGuest_StiCliAndSyscall_DoNotExit(GuestInstruction i)
    {
        Assert.Equal(PvmInstructionOutcome.Native, PvmInstructionRules.Outcome(i, PvmGuestMode.PvmSupervisor));
        Assert.False(PvmInstructionRules.CountsAsExit(i, PvmGuestMode.PvmSupervisor));
    }

    [Theory]
    [InlineData(GuestInstruction.Hlt)]
    [InlineData(GuestInstruction.Rdmsr)]
    [InlineData(GuestInstruction.Wrmsr)]
    [InlineData(GuestInstruction.Pio)]
    [InlineData(GuestInstruction.Mmio)]
    public void PvmModeGuest_PrivilegedInstructions_TrapToTheEmulator(GuestInstruction i) =>
        Assert.Equal(PvmInstructionOutcome.Exit, PvmInstructionRules.Outcome(i, PvmGuestMode.PvmSupervisor));

    [Theory]
    [InlineData(GuestInstruction.Wrmsr)]
    [InlineData(GuestInstruction.Hlt)]
    [InlineData(GuestInstruction.Mmio)]
    [InlineData(GuestInstruction.Cpuid)]
    public void NonPvmModeRing0_IsEmulated_WithoutAnExitOfItsOwn(GuestInstruction i) =>
        Assert.Equal(PvmInstructionOutcome.Emulated, PvmInstructionRules.Outcome(i, PvmGuestMode.EmulatedRing0));

    [Fact]
    public void NativeRing3_MmioExits_CpuidGoesToL0_PrivilegedFaultInTheGuest()
    {
        Assert.Equal(PvmInstructionOutcome.Exit, PvmInstructionRules.Outcome(GuestInstruction.Mmio, PvmGuestMode.NativeRing3));
        Assert.Equal(PvmInstructionOutcome.InterceptedBelow, PvmInstructionRules.Outcome(GuestInstruction.Cpuid, PvmGuestMode.NativeRing3));
        Assert.Equal(PvmInstructionOutcome.GuestFault, PvmInstructionRules.Outcome(GuestInstruction.Rdmsr, PvmGuestMode.NativeRing3));
        Assert.Equal(PvmInstructionOutcome.GuestFault, PvmInstructionRules.Outcome(GuestInstruction.Pio, PvmGuestMode.NativeRing3));
    }

    [Fact]
    public void Batch_EndsAt130Instructions_InTheRfc()
    {
        var b = new EmulationBatch(Rfc);
        for (int i = 1; i < 130; i++)
        {
            Assert.Null(b.Step(GuestInstruction.Alu));
        }

        Assert.Equal(BatchEnd.Full, b.Step(GuestInstruction.Alu));
        Assert.Equal(130, b.Emulated);
    }

    [Fact]
    public void Batch_EndsOnAPendingEvent_BeforeTheNextInstruction_InTheRfc()
    {
        var b = new EmulationBatch(Rfc);
        Assert.Null(b.Step(GuestInstruction.Alu));
        Assert.Equal(BatchEnd.PendingEvent, b.Step(GuestInstruction.Alu, eventPending: true));
        Assert.Equal(1, b.Emulated);
    }

    [Fact]
    public void Batch_OnThisHost_IgnoresAPendingEventUntil1024()
    {
        var b = new EmulationBatch(PvmHere.Profile().Pvm);
        for (int i = 1; i < 1024; i++)
        {
            Assert.Null(b.Step(GuestInstruction.Alu, eventPending: true));
        }

        Assert.Equal(BatchEnd.Full, b.Step(GuestInstruction.Alu, eventPending: true));
    }

    [Fact]
    public void Batch_EndsAtHlt_AndAtAnIretqToRing3_AndOnHostWork()
    {
        Assert.Equal(BatchEnd.Halt, new EmulationBatch(Rfc).Step(GuestInstruction.Hlt));
        Assert.Equal(BatchEnd.LeftRing0, new EmulationBatch(Rfc).Step(GuestInstruction.Iretq, toRing3: true));
        Assert.Null(new EmulationBatch(Rfc).Step(GuestInstruction.Iretq, toRing3: false));
        Assert.Equal(BatchEnd.HostWork, new EmulationBatch(Rfc).Step(GuestInstruction.Alu, hostWork: true));
    }

    [Fact]
    public void ExitsStatistic_CountsOnePerBatch()
    {
        // block-cpl0-nop-1024 (docs/PVM.md 2.2): 1,038 instructions an iteration -> 2 passes of 1,024.
        PvmCosts c = PvmHere.Profile().Pvm;
        Assert.Equal(2, EmulationBatch.ExitsFor(1038, c));
        Assert.Equal(1, EmulationBatch.ExitsFor(1024, c));
        Assert.Equal(0, EmulationBatch.ExitsFor(0, c));
    }

    [Fact]
    public void NoPostedInterrupts_ANativeTargetIsKicked_ABlockedOneWoken()
    {
        CostProfile p = PvmHere.Profile();
        Assert.False(PvmInterrupts.PostedInterrupts);
        Assert.Equal(p.Pvm.NativeKick, PvmInterrupts.UntilInjection(PvmTargetState.Native, p, SimSpan.Zero));
        Assert.Equal(p.ThreadWakeup, PvmInterrupts.UntilInjection(PvmTargetState.Blocked, p, SimSpan.Zero));
        SimSpan rest = SimSpan.FromMicroseconds(500);
        Assert.Equal(rest, PvmInterrupts.UntilInjection(PvmTargetState.EmulatingRing0, p, rest));
        CostProfile rfc = p with { Pvm = Rfc };
        Assert.Equal(rfc.Pvm.EmulatedAlu, PvmInterrupts.UntilInjection(PvmTargetState.EmulatingRing0, rfc, rest));
    }

    [Fact]
    public void EmulatedCode_CostsItsInstructionsByClass()
    {
        PvmCosts c = PvmHere.Profile().Pvm;
        var head = new GuestCode(Alu: 1, Store: 4, Rmw: 1);
        Assert.Equal(c.EmulatedAlu.Ns + (4 * c.EmulatedStore.Ns) + c.EmulatedRmw.Ns, head.Emulated(c).Ns);
        Assert.Equal(6, head.Instructions);
    }

    [Fact]
    public void VmxAndSvmProfiles_CarryNoPvmCosts()
    {
        foreach (CostProfile p in Profiles.All.Where(p => p.Vendor != CpuVendor.Pvm))
        {
            Assert.Same(PvmCosts.None, p.Pvm);
        }
    }
}
