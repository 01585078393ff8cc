using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm;

/// <summary>
/// The run loop of one vCPU with a watchdog: KVM_RUN until the exit handler says stop, another
/// thread calls <see cref="Stop"/>, the token is cancelled (Ctrl-C), or the deadline passes, in
/// which case the thread is kicked out of the guest and <see cref="VcpuStuckException"/> says so.
/// A guest that never exits can therefore never hang the caller.
/// </summary>
public sealed class VcpuRunner(VcpuFd vcpu, string probe)
{
    private volatile int _tid;
    private volatile bool _stop;
    private volatile bool _timedOut;

    public VcpuFd Vcpu => vcpu;

    /// <summary>Exits returned to userspace during the last <see cref="Run"/>.</summary>
    public long Exits { get; private set; }

    /// <summary>The last exit seen, for error messages.</summary>
    public VcpuExit? LastExit { get; private set; }

    /// <summary>Runs on the calling thread. <paramref name="onExit"/> returns false to stop.</summary>
    public void Run(Func<VcpuExit, bool> onExit, TimeSpan timeout, CancellationToken cancel = default)
    {
        KickSignal.EnsureInstalled();
        // Publish the thread id before looking at _stop: a Stop() that raced with the start either
        // saw this tid (and signals it) or set _stop first (and the check below returns). A runner
        // is meant for one Run; _stop is never cleared, so an early Stop() is not lost.
        _tid = Libc.GetTid();
        _timedOut = false;
        Exits = 0;
        if (_stop)
        {
            _tid = 0;
            vcpu.ImmediateExit = false;
            return;
        }

        using var watchdog = new Timer(_ => { _timedOut = true; Kick(); }, null, timeout, TimeSpan.FromMilliseconds(50));
        using CancellationTokenRegistration reg = cancel.Register(Kick);
        try
        {
            while (true)
            {
                if (vcpu.Run() != 0)
                {
                    // EINTR: a kick, or a signal meant for the runtime; only ours set a flag.
                    if (_timedOut)
                    {
                        throw new VcpuStuckException($"{probe}: vCPU {vcpu.Id} did not finish within {timeout.TotalSeconds:0.#} s (last exit: {LastExit?.ToString() ?? "none"}, {Exits} exits); kicked out of KVM_RUN and stopped");
                    }

                    cancel.ThrowIfCancellationRequested();
                    if (_stop)
                    {
                        return;
                    }

                    vcpu.ImmediateExit = false;
                    // Stop() and cancellation set their flag before immediate_exit: a kick that landed
                    // between the checks above and this reset is seen here, not lost.
                    cancel.ThrowIfCancellationRequested();
                    if (_stop)
                    {
                        return;
                    }

                    continue;
                }

                Exits++;
                VcpuExit exit = vcpu.Exit;
                LastExit = exit;
                if (!onExit(exit))
                {
                    return;
                }
            }
        }
        finally
        {
            _tid = 0;
            vcpu.ImmediateExit = false;
        }
    }

    /// <summary>Asks the running loop to return (from any thread); before Run starts, Run returns at once.</summary>
    public void Stop()
    {
        _stop = true;
        Kick();
    }

    private void Kick()
    {
        vcpu.ImmediateExit = true;
        KickSignal.Send(_tid);
    }
}
