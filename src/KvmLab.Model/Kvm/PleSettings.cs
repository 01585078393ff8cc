namespace KvmLab.Model.Kvm;

/// <summary>
/// Pause-loop exiting window and its adaptation, in TSC cycles (VMX: ple_window; SVM: the pause
/// filter count, in PAUSE executions, taken here as cycles of spinning). __grow_ple_window
/// multiplies by the grow modifier when it is below the base (else adds it) up to the maximum;
/// __shrink_ple_window with a modifier of 0 resets to the base (virt/kvm/kvm_main.c helpers in
/// arch/x86/kvm/x86.h, v5.6). KVM grows the window on each PLE exit (handle_pause) and shrinks it
/// when the vCPU is scheduled in (vmx_sched_in).
/// </summary>
public sealed record PleSettings(uint Window, uint Grow, uint Shrink, uint Max)
{
    /// <summary>arch/x86/kvm/vmx/vmx.c v5.6: ple_window 4096, ple_window_grow 2, ple_window_shrink 0, ple_window_max UINT_MAX.</summary>
    public static PleSettings Vmx { get; } = new(4096, 2, 0, uint.MaxValue);

    /// <summary>arch/x86/kvm/svm.c v5.6: pause_filter_count 3000, grow 2, shrink 0, max USHRT_MAX.</summary>
    public static PleSettings Svm { get; } = new(3000, 2, 0, ushort.MaxValue);

    /// <summary>__grow_ple_window.</summary>
    public uint Grown(uint current)
    {
        ulong val = current;
        if (Grow < 1)
        {
            return Window;
        }

        val = Grow < Window ? val * Grow : val + Grow;
        return (uint)Math.Min(val, Max);
    }

    /// <summary>__shrink_ple_window.</summary>
    public uint Shrunk(uint current)
    {
        if (Shrink < 1)
        {
            return Window;
        }

        uint val = Shrink < Window ? current / Shrink : current - Shrink;
        return Math.Max(val, Window);
    }
}
