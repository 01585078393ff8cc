using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Exits;

/// <summary>
/// The probes' exit dispatch, a pure function of the exit (tests feed it synthetic exits), and
/// the handler that turns a guest fault or an unexpected exit into a clear error.
/// </summary>
public static class ProbeExits
{
    public static ExitAction Classify(VcpuExit e) => e.Reason switch
    {
        KvmExitReason.Mmio when e.IsWrite && e.Address == GuestLayout.DoneMmio => ExitAction.Done,
        KvmExitReason.Mmio when e.IsWrite && e.Address == GuestLayout.FaultMmio => ExitAction.Fault,
        KvmExitReason.Mmio when e.IsWrite && e.Address is GuestLayout.FaultMmio + 8 or GuestLayout.FaultMmio + 16 => ExitAction.FaultWord,
        KvmExitReason.Mmio when e.Address == GuestLayout.UserMmio => ExitAction.Continue,
        KvmExitReason.Io when e.Address == GuestLayout.UserPort => ExitAction.Continue,
        _ => ExitAction.Unexpected,
    };

    /// <summary>Names an x86 exception vector (SDM vol. 3A table 6-1).</summary>
    public static string VectorName(ulong v) => v switch
    {
        0 => "#DE",
        1 => "#DB",
        3 => "#BP",
        6 => "#UD",
        8 => "#DF",
        10 => "#TS",
        11 => "#NP",
        12 => "#SS",
        13 => "#GP",
        14 => "#PF",
        _ => $"vector {v}",
    };

    /// <summary>A stateful exit handler for <see cref="VcpuRunner.Run"/>: true = re-enter, false = done; throws on faults.</summary>
    public static Func<VcpuExit, bool> Handler(string probe, Action<VcpuExit>? onUserExit = null)
    {
        var words = new List<ulong>();
        return e =>
        {
            switch (Classify(e))
            {
                case ExitAction.Continue:
                    onUserExit?.Invoke(e);
                    return true;
                case ExitAction.Done:
                    return false;
                case ExitAction.FaultWord:
                    words.Add(e.Data);
                    return true;
                case ExitAction.Fault:
                    throw new KvmException($"{probe}: guest exception {VectorName(e.Data)} (stack words: {string.Join(", ", words.Select(w => $"0x{w:x}"))})");
                default:
                    throw new KvmException($"{probe}: unexpected exit {e}");
            }
        };
    }
}
