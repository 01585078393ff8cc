using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Tests.Storage;

public class NvmeDeviceTests
{
    private static readonly CostProfile Cpu = Profiles.SkylakeSp2020();
    private static NvmeDeviceSpec Optane => NvmeDevices.Find(NvmeDevices.OptaneP4800X, Cpu)!;

    [Fact]
    public void Optane_ServiceIsReviewLatencyMinusHostPath()
    {
        // AnandTech's 8.9 us end-to-end QD1 mean includes the measuring host's software path.
        SimSpan host = NvmeDevices.HostPathInPublishedLatency(Cpu);
        Assert.Equal(SimSpan.FromMicroseconds(8.9) - host, Optane.ServiceMean);
        Assert.InRange(Optane.ServiceMean.Microseconds, 3, 8.9);
        Assert.True(Optane.Channels >= 1);
    }

    [Fact]
    public void ConsumerDrive_IsSlowerThanOptane()
    {
        NvmeDeviceSpec consumer = NvmeDevices.Find(NvmeDevices.Samsung970EvoPlusWrite, Cpu)!;
        Assert.Equal(SimSpan.FromMicroseconds(17) - SimSpan.FromMicroseconds(8.9), consumer.ServiceMean - Optane.ServiceMean);
        Assert.Null(NvmeDevices.Find("nope", Cpu));
    }

    [Fact]
    public void ServiceTimes_HaveTheSpecMeanAndAFixedFloor()
    {
        var d = new NvmeDevice(Optane, new RngStream(1));
        double sum = 0;
        long min = long.MaxValue;
        const int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            long s = d.SampleService(4096).Ns;
            sum += s;
            min = Math.Min(min, s);
        }

        Assert.InRange(sum / n, Optane.ServiceMean.Ns * 0.99, Optane.ServiceMean.Ns * 1.01);
        Assert.True(min >= (long)(Optane.ServiceMean.Ns * (1 - Optane.TailShare)) - 1);
    }

    [Fact]
    public void LargerBlocks_AddTransferTime()
    {
        var a = new NvmeDevice(Optane with { TailShare = 0 }, new RngStream(1));
        SimSpan small = a.SampleService(4096);
        SimSpan big = a.SampleService(4096 + 2_400_000); // 2.4 MB at 2.4 GB/s: 1 ms more
        Assert.Equal(1_000_000, (big - small).Ns, tolerance: 1);
    }

    [Fact]
    public void Channels_ServeInParallel_ThenQueue()
    {
        var spec = Optane with { TailShare = 0, Channels = 2 };
        var d = new NvmeDevice(spec, new RngStream(1));
        SimTime t0 = SimTime.Zero;
        SimTime a = d.Submit(t0, 4096);
        SimTime b = d.Submit(t0, 4096);
        SimTime c = d.Submit(t0, 4096);
        Assert.Equal(a, b);                       // two channels: both start at once
        Assert.Equal(a + spec.ServiceMean, c);    // the third waits for a free channel
        Assert.Equal(3, d.Commands);
    }
}
