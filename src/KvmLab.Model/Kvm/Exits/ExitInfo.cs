namespace KvmLab.Model.Kvm.Exits;

/// <summary>What the hardware reports for one VM exit (the exit qualification the handlers read).</summary>
/// <param name="Data">The value written (a TSC deadline in ns for IA32_TSC_DEADLINE), or the hypercall number.</param>
/// <param name="Targets">The destination vCPUs of a PV send-IPI, kick or sched-yield hypercall.</param>
public readonly record struct ExitInfo(ExitReason Reason, uint Msr, IcrWrite Icr, long Data, int[]? Targets, ExternalCause Cause)
{
    /// <summary>A WRMSR to the x2APIC ICR.</summary>
    public bool IsIcrWrite => Reason == ExitReason.MsrWrite && Msr == MsrIndex.X2ApicIcr;
}
