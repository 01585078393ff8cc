using System.Buffers.Binary;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm;

/// <summary>Anonymous host memory that backs guest RAM from guest-physical 0, unmapped on dispose.</summary>
public sealed unsafe class GuestMemory : IDisposable
{
    private nint _host;

    public GuestMemory(ulong size)
    {
        Size = size;
        _host = Libc.Mmap(0, (nuint)size, Libc.ProtRead | Libc.ProtWrite, Libc.MapPrivate | Libc.MapAnonymous | Libc.MapNoReserve, -1, 0);
        if (_host == -1)
        {
            throw KvmException.Last("mmap(guest memory)");
        }
    }

    public ulong Size { get; }

    internal nint HostAddress => _host != 0 ? _host : throw new ObjectDisposedException(nameof(GuestMemory));

    /// <summary>The bytes at [gpa, gpa+length); bounds-checked against the mapping.</summary>
    public Span<byte> Slice(Gpa gpa, int length)
    {
        if (gpa.Value + (ulong)length > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(gpa), $"{gpa} + {length} is past guest RAM ({Size} bytes)");
        }

        // Safe: the range was checked against the live mapping above, and the mapping lives until Dispose.
        return new Span<byte>((byte*)HostAddress + gpa.Value, length);
    }

    public void Write(Gpa gpa, ReadOnlySpan<byte> bytes) => bytes.CopyTo(Slice(gpa, bytes.Length));

    public void WriteUInt64(Gpa gpa, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Slice(gpa, 8), value);

    public void WriteUInt32(Gpa gpa, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Slice(gpa, 4), value);

    public ulong ReadUInt64(Gpa gpa) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(gpa, 8));

    /// <summary>A volatile read, for values another vCPU thread writes while this one polls.</summary>
    public ulong ReadUInt64Volatile(Gpa gpa)
    {
        _ = Slice(gpa, 8);
        // Safe: bounds checked just above; 8-byte aligned reads are atomic on x86-64.
        return Volatile.Read(ref *(ulong*)((byte*)HostAddress + gpa.Value));
    }

    public void Dispose()
    {
        if (_host != 0)
        {
            _ = Libc.Munmap(_host, (nuint)Size);
            _host = 0;
        }
    }
}
