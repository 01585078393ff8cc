namespace KvmLab.RealKvm.Guests;

/// <summary>How the IPI sender writes the ICR.</summary>
public enum IpiSend
{
    /// <summary>WRMSR to the x2APIC ICR (MSR 0x830) from ring 0: one instruction, the path KVM's ICR fastpath takes on VMX.</summary>
    X2ApicMsrCpl0,

    /// <summary>A store to the xAPIC ICR (APIC page + 0x300) from ring 0: an APIC-access MMIO exit.</summary>
    XapicMmioCpl0,

    /// <summary>The same store from ring 3 (the page is user-mapped): on PVM the sender's loop runs natively.</summary>
    XapicMmioCpl3,
}
