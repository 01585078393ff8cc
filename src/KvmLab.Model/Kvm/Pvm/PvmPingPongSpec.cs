namespace KvmLab.Model.Kvm.Pvm;

/// <summary>
/// An IPI ping-pong on a PVM host, as kvm-unit-tests' vmexit "ipi" and KvmLab's ipi probes run it:
/// the sender reads the TSC, writes the ICR, spins until the receiver's handler has counted, reads
/// the TSC again; the receiver's handler counts, EOIs and returns to where it waits.
/// </summary>
/// <param name="SenderRing0">The sender runs at CPL0 (emulated); otherwise natively at CPL3, where its ICR store is an MMIO exit.</param>
/// <param name="Send">Sender code from its TSC read to the ICR write, the write included (emulated at CPL0).</param>
/// <param name="SenderGap">Sender code from the closing TSC read to the next opening one (the sample store and loop).</param>
/// <param name="WaitPass">One pass of the sender's wait loop (PAUSE, compare, branch).</param>
/// <param name="Closing">The sender's closing TSC read after it sees the count.</param>
/// <param name="Head">Receiver's handler up to the count the sender waits for.</param>
/// <param name="Tail">Receiver's handler after the count: EOI, pops, IRETQ.</param>
/// <param name="Idle">Receiver code from the IRETQ back to the instruction it waits in (JMP; STI; HLT).</param>
/// <param name="Polling">Host halt polling for a halted receiver; null is <see cref="PvmHaltPolling.Aborting"/>.</param>
public sealed record PvmPingPongSpec(
    bool SenderRing0,
    GuestCode Send,
    GuestCode SenderGap,
    GuestCode WaitPass,
    GuestCode Closing,
    PvmReceiverRest Rest,
    GuestCode Head,
    GuestCode Tail,
    GuestCode Idle,
    PvmHaltPolling? Polling = null);
