using System.Buffers.Binary;
using System.Text;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm;

/// <summary>Reads a KVM binary statistics fd into name -> first value (a pure parser plus the read).</summary>
public static unsafe class KvmStats
{
    /// <summary>Reads the whole stats file of <paramref name="fd"/> (a VM or vCPU stats fd) and closes nothing.</summary>
    public static Dictionary<string, ulong> Read(int fd)
    {
        var bytes = new List<byte>();
        byte[] chunk = new byte[65536];
        long offset = 0;
        while (true)
        {
            nint n;
            fixed (byte* p = chunk)
            {
                // Safe: reads at most chunk.Length bytes into the pinned array.
                n = Libc.Pread(fd, p, (nuint)chunk.Length, offset);
            }

            if (n < 0)
            {
                throw KvmException.Last("pread(KVM stats fd)");
            }

            if (n == 0)
            {
                break;
            }

            bytes.AddRange(chunk.AsSpan(0, (int)n));
            offset += n;
        }

        return Parse([.. bytes]);
    }

    public static Dictionary<string, ulong> Parse(ReadOnlySpan<byte> file)
    {
        int nameSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[KvmStatsLayout.HeaderNameSize..]);
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[KvmStatsLayout.HeaderNumDesc..]);
        int descOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[KvmStatsLayout.HeaderDescOffset..]);
        int dataOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[KvmStatsLayout.HeaderDataOffset..]);
        var stats = new Dictionary<string, ulong>(StringComparer.Ordinal);
        int stride = KvmStatsLayout.DescFixed + nameSize;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> d = file.Slice(descOffset + (i * stride), stride);
            int valueOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[KvmStatsLayout.DescOffset..]);
            ReadOnlySpan<byte> name = d.Slice(KvmStatsLayout.DescFixed, nameSize);
            int end = name.IndexOf((byte)0);
            string key = Encoding.ASCII.GetString(end >= 0 ? name[..end] : name);
            stats[key] = BinaryPrimitives.ReadUInt64LittleEndian(file[(dataOffset + valueOffset)..]);
        }

        return stats;
    }
}
