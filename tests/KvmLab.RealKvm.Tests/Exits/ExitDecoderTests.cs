using System.Buffers.Binary;
using KvmLab.RealKvm.Exits;
using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Tests.Exits;

public class ExitDecoderTests
{
    private static byte[] Page(KvmExitReason reason)
    {
        byte[] run = new byte[4096];
        BinaryPrimitives.WriteUInt32LittleEndian(run.AsSpan(KvmRunLayout.ExitReason), (uint)reason);
        return run;
    }

    [Fact]
    public void Mmio_Write_DecodesAddressLengthAndData()
    {
        byte[] run = Page(KvmExitReason.Mmio);
        BinaryPrimitives.WriteUInt64LittleEndian(run.AsSpan(KvmRunLayout.MmioPhysAddr), 0xD000_0000);
        BinaryPrimitives.WriteUInt32LittleEndian(run.AsSpan(KvmRunLayout.MmioData), 0xCAFEBABE);
        BinaryPrimitives.WriteUInt32LittleEndian(run.AsSpan(KvmRunLayout.MmioLen), 4);
        run[KvmRunLayout.MmioIsWrite] = 1;

        Assert.Equal(new VcpuExit(KvmExitReason.Mmio, 0xD000_0000, 4, true, 0xCAFEBABE), ExitDecoder.Decode(run));
    }

    [Fact]
    public void Mmio_Read_HasNoData()
    {
        byte[] run = Page(KvmExitReason.Mmio);
        BinaryPrimitives.WriteUInt64LittleEndian(run.AsSpan(KvmRunLayout.MmioPhysAddr), 0x1000);
        BinaryPrimitives.WriteUInt32LittleEndian(run.AsSpan(KvmRunLayout.MmioData), 0xFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(run.AsSpan(KvmRunLayout.MmioLen), 2);

        Assert.Equal(new VcpuExit(KvmExitReason.Mmio, 0x1000, 2, false, 0), ExitDecoder.Decode(run));
    }

    [Fact]
    public void IoOut_ReadsDataAtDataOffset()
    {
        byte[] run = Page(KvmExitReason.Io);
        run[KvmRunLayout.IoDirection] = 1;
        run[KvmRunLayout.IoSize] = 2;
        BinaryPrimitives.WriteUInt16LittleEndian(run.AsSpan(KvmRunLayout.IoPort), 0x500);
        BinaryPrimitives.WriteUInt32LittleEndian(run.AsSpan(KvmRunLayout.IoCount), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(run.AsSpan(KvmRunLayout.IoDataOffset), 0x400);
        BinaryPrimitives.WriteUInt16LittleEndian(run.AsSpan(0x400), 0xBEEF);

        Assert.Equal(new VcpuExit(KvmExitReason.Io, 0x500, 2, true, 0xBEEF), ExitDecoder.Decode(run));
    }

    [Fact]
    public void IoIn_IsNotAWrite()
    {
        byte[] run = Page(KvmExitReason.Io);
        run[KvmRunLayout.IoDirection] = 0;
        run[KvmRunLayout.IoSize] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(run.AsSpan(KvmRunLayout.IoPort), 0x3F8);
        BinaryPrimitives.WriteUInt64LittleEndian(run.AsSpan(KvmRunLayout.IoDataOffset), 0x400);

        Assert.Equal(new VcpuExit(KvmExitReason.Io, 0x3F8, 1, false, 0), ExitDecoder.Decode(run));
    }

    [Fact]
    public void FailEntry_CarriesHardwareReason()
    {
        byte[] run = Page(KvmExitReason.FailEntry);
        BinaryPrimitives.WriteUInt64LittleEndian(run.AsSpan(KvmRunLayout.FailEntryReason), 0x21);

        VcpuExit e = ExitDecoder.Decode(run);

        Assert.Equal(KvmExitReason.FailEntry, e.Reason);
        Assert.Equal(0x21UL, e.Detail);
        Assert.Contains("0x21", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void InternalError_CarriesSuberror()
    {
        byte[] run = Page(KvmExitReason.InternalError);
        BinaryPrimitives.WriteUInt32LittleEndian(run.AsSpan(KvmRunLayout.InternalSuberror), 1);

        Assert.Equal(new VcpuExit(KvmExitReason.InternalError, Detail: 1), ExitDecoder.Decode(run));
    }

    [Theory]
    [InlineData(KvmExitReason.Hlt)]
    [InlineData(KvmExitReason.Shutdown)]
    [InlineData(KvmExitReason.Intr)]
    public void PlainReasons_DecodeToTheReasonAlone(KvmExitReason reason) =>
        Assert.Equal(new VcpuExit(reason), ExitDecoder.Decode(Page(reason)));

    [Fact]
    public void ShortPage_IsRejected() =>
        Assert.Throws<ArgumentException>(() => ExitDecoder.Decode(new byte[64]));
}
