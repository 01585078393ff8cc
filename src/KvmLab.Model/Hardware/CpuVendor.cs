namespace KvmLab.Model.Hardware;

/// <summary>The host CPU's vendor decides which virtualization features exist (APICv and the VMX preemption timer, or AVIC).</summary>
public enum CpuVendor
{
    Intel,
    Amd,
}
