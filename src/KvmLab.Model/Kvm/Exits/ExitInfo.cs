namespace KvmLab.Model.Kvm.Exits;

/// <summary>What the hardware reports for one VM exit (the exit qualification the handlers read).</summary>
/// <param name="Msr">The MSR index, the APIC-page offset, or the port of an IO_INSTRUCTION exit.</param>
/// <param name="Data">For IO_INSTRUCTION and CR_ACCESS: 1 for OUT / MOV to CR8, 0 for IN / MOV from CR8. Otherwise the value written (a TSC deadline in ns for IA32_TSC_DEADLINE), or the hypercall number.</param>
/// <param name="Targets">The destination vCPUs of a PV send-IPI, kick or sched-yield hypercall.</param>
public readonly record struct ExitInfo(ExitReason Reason, uint Msr, IcrWrite Icr, long Data, int[]? Targets, ExternalCause Cause)
{
    /// <summary>A WRMSR to the x2APIC ICR.</summary>
    public bool IsIcrWrite => Reason == ExitReason.MsrWrite && Msr == MsrIndex.X2ApicIcr;
}
