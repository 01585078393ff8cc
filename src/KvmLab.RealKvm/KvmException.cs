using System.Runtime.InteropServices;

namespace KvmLab.RealKvm;

/// <summary>A KVM or libc call failed: names the call (ioctl or syscall) and the errno.</summary>
public sealed class KvmException : Exception
{
    public KvmException(string call, int errno)
        : base($"{call} failed: {ErrnoName(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})")
    {
        Call = call;
        Errno = errno;
    }

    public KvmException(string message)
        : base(message)
    {
        Call = "";
    }

    public KvmException()
        : this("KVM call failed")
    {
    }

    public KvmException(string message, Exception inner)
        : base(message, inner)
    {
        Call = "";
    }

    public string Call { get; }

    public int Errno { get; }

    /// <summary>Failed with the errno the last P/Invoke set.</summary>
    internal static KvmException Last(string call) => new(call, Marshal.GetLastPInvokeError());

    public static string ErrnoName(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        4 => "EINTR",
        5 => "EIO",
        6 => "ENXIO",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        16 => "EBUSY",
        17 => "EEXIST",
        19 => "ENODEV",
        22 => "EINVAL",
        24 => "EMFILE",
        25 => "ENOTTY",
        95 => "EOPNOTSUPP",
        _ => $"errno {errno}",
    };
}
