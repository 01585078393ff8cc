using System.Buffers.Binary;
using System.Text;

namespace KvmLab.RealKvm.Tests;

public class KvmStatsTests
{
    [Fact]
    public void Parse_SyntheticStatsFile()
    {
        // Header (24 bytes), two descriptors with 8-byte names at 24, data at 24 + 2 * (16 + 8) = 72.
        const int nameSize = 8;
        byte[] f = new byte[72 + 16];
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(4), nameSize);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(8), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(16), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(20), 72);
        void Desc(int i, string name, uint offset)
        {
            int d = 24 + (i * (16 + nameSize));
            BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(d + 6), 1);
            BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(d + 8), offset);
            Encoding.ASCII.GetBytes(name).CopyTo(f, d + 16);
        }

        Desc(0, "exits", 0);
        Desc(1, "halt_ex", 8);
        BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(72), 1234);
        BinaryPrimitives.WriteUInt64LittleEndian(f.AsSpan(80), 56);

        Dictionary<string, ulong> s = KvmStats.Parse(f);

        Assert.Equal(1234UL, s["exits"]);
        Assert.Equal(56UL, s["halt_ex"]);
    }

    [KvmFact]
    public void VcpuStats_HaveAnExitCounter()
    {
        using Kvm kvm = Kvm.Open();
        using var vm = KvmLab.RealKvm.Guests.TinyVm.Create(kvm, new KvmLab.RealKvm.Guests.TinyVmOptions());
        Dictionary<string, ulong>? s = vm.Vcpus[0].Stats();
        if (s is not null)
        {
            Assert.Contains("exits", s.Keys);
        }
    }
}
