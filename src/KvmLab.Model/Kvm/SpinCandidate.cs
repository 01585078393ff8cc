namespace KvmLab.Model.Kvm;

/// <summary>What kvm_vcpu_on_spin reads of one candidate vCPU (a value, so the rules can be tested on synthetic states).</summary>
/// <param name="Ready">vcpu->ready.</param>
/// <param name="Blocked">rcuwait_active(&amp;vcpu->wait): asleep in kvm_vcpu_block.</param>
/// <param name="DyRunnable">vcpu_dy_runnable: pv_unhalted, or (APICv/AVIC) a posted interrupt pending.</param>
/// <param name="Preempted">vcpu->preempted: scheduled out while runnable.</param>
/// <param name="InKernel">kvm_arch_vcpu_in_kernel: preempted_in_kernel (CPL0 when scheduled out).</param>
/// <param name="PendingInterrupt">kvm_arch_dy_has_pending_interrupt (5.13): an APICv-posted interrupt pending.</param>
/// <param name="InSpinLoop">spin_loop.in_spin_loop.</param>
/// <param name="DyEligible">spin_loop.dy_eligible.</param>
/// <param name="IpiFromSpinner">Ishiguro 2021: the spinner's bit in the candidate's ipi_received.</param>
public readonly record struct SpinCandidate(
    int Index,
    bool Ready,
    bool Blocked,
    bool DyRunnable,
    bool Preempted,
    bool InKernel,
    bool PendingInterrupt,
    bool InSpinLoop,
    bool DyEligible,
    bool IpiFromSpinner)
{
    /// <summary>
    /// The simpler variant discussed in the Ishiguro RFC thread: one bool ipi_received per vCPU, set
    /// by an IPI from any vCPU while it was scheduled out, instead of the per-sender bitmap.
    /// </summary>
    public bool IpiReceived { get; init; }
}
