namespace KvmLab.Model.Kvm;

/// <summary>What one kvm_vcpu_on_spin call did: candidates looked at, yield_to calls, and whether one succeeded.</summary>
public readonly record struct SpinResult(int CandidatesChecked, int YieldAttempts, bool Yielded);
