using System.Runtime.InteropServices;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm;

/// <summary>
/// SIGUSR1 with an empty handler (no SA_RESTART), used to kick a vCPU thread out of KVM_RUN:
/// a pending signal makes KVM_RUN return EINTR (Documentation/virt/kvm/api.rst 4.10, and
/// kvm_run.immediate_exit for the race where the signal lands just before the ioctl).
/// The .NET runtime catches SIGRTMIN for its own thread activation, not SIGUSR1 (checked in
/// /proc/PID/status SigCgt of a kvmlab process), so taking SIGUSR1 disturbs nothing.
/// </summary>
internal static unsafe class KickSignal
{
    private static readonly Lock Gate = new();
    private static bool _installed;

    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            var act = new Libc.SigActionStruct { Handler = (nint)(delegate* unmanaged<int, void>)&OnSignal, Flags = 0 };
            // Safe: act is a fully initialised local with glibc's struct sigaction layout.
            if (Libc.SigAction(Libc.SigUsr1, &act, null) != 0)
            {
                throw KvmException.Last("sigaction(SIGUSR1)");
            }

            _installed = true;
        }
    }

    public static void Send(int tid)
    {
        if (tid != 0)
        {
            _ = Libc.TgKill(Libc.GetPid(), tid, Libc.SigUsr1);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnSignal(int signal)
    {
        // Nothing: the signal's only job is to interrupt KVM_RUN.
    }
}
