using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm;

/// <summary>An eventfd(2): the counter ioeventfd signals and irqfd consumes.</summary>
public sealed unsafe class EventFd : IDisposable
{
    public EventFd(bool nonBlocking)
    {
        Fd = Libc.EventFd(0, Libc.EfdCloExec | (nonBlocking ? Libc.EfdNonBlock : 0));
        if (Fd < 0)
        {
            throw KvmException.Last("eventfd");
        }
    }

    public int Fd { get; private set; }

    /// <summary>Reads and resets the counter; 0 when non-blocking and nothing was signalled.</summary>
    public ulong Read()
    {
        ulong v = 0;
        // Safe: reads exactly 8 bytes into a local.
        nint n = Libc.Read(Fd, &v, 8);
        if (n == 8)
        {
            return v;
        }

        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return errno == Libc.EAgain ? 0UL : throw new KvmException("read(eventfd)", errno);
    }

    public void Signal(ulong value = 1)
    {
        // Safe: writes exactly 8 bytes from a local.
        if (Libc.Write(Fd, &value, 8) != 8)
        {
            throw KvmException.Last("write(eventfd)");
        }
    }

    public void Dispose()
    {
        if (Fd >= 0)
        {
            _ = Libc.Close(Fd);
            Fd = -1;
        }
    }
}
