using KvmLab.Policies.ByteDance2020;
using KvmLab.Policies.Upstream;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;

namespace KvmLab.Model.Tests.Guest;

/// <summary>
/// How a Linux guest sends a multicast (smp_call_function_many to every other CPU) in each APIC
/// mode: x2apic_cluster writes one logical ICR per 16-CPU cluster; x2apic_phys one per CPU;
/// flat xAPIC one logical write for up to 8 CPUs; kvm_send_ipi_mask one KVM_HC_SEND_IPI per
/// 128 APIC ids; the exit-less PV IPI none at all on the sender.
/// </summary>
public class GuestApicTests
{
    private static GuestHarness Broadcast(int vcpus, GuestConfig guest, KvmConfig? config = null, IIpiDeliveryPolicy? delivery = null) =>
        new GuestHarness(new IpiBenchWorkload { Mode = IpiBenchMode.Broadcast, Iterations = 20 }, vcpus: vcpus, guest: guest, config: config, ipiDelivery: delivery)
            .Run(SimSpan.FromMilliseconds(20));

    [Fact]
    public void X2ApicCluster_OneIcrWritePerCluster()
    {
        var h = Broadcast(40, new GuestConfig { X2ApicCluster = true });

        // 39 targets: CPUs 1-15, 16-31, 32-39 -> 3 clusters per call.
        Assert.Equal(20 * 3, h.Vcpu(0).Stats.ExitCount(ExitReason.MsrWrite));
        Assert.Equal(0, h.Vcpu(0).Stats.FastpathExits); // logical destinations never take the ICR fastpath
    }

    [Fact]
    public void X2ApicPhysical_OneIcrWritePerTarget_EachThroughTheFastpath()
    {
        var h = Broadcast(8, new GuestConfig());

        Assert.Equal(20 * 7, h.Vcpu(0).Stats.ExitCount(ExitReason.MsrWrite));
        Assert.Equal(20 * 7, h.Vcpu(0).Stats.FastpathExits);
    }

    [Fact]
    public void XApicFlat_OneWriteForUpToEightCpus()
    {
        var h = Broadcast(8, new GuestConfig { X2Apic = false });

        Assert.Equal(20, h.Vcpu(0).Stats.ExitCount(ExitReason.ApicWrite));
    }

    [Fact]
    public void PvSendIpi_OneHypercallPer128ApicIds()
    {
        var h = Broadcast(140, new GuestConfig(), delivery: new IcrIpiDelivery(pvSendIpi: true));

        // Targets 1..139 span 139 ids: windows [1..128] and [129..139].
        Assert.Equal(20 * 2, h.Vcpu(0).Stats.ExitCount(ExitReason.Hypercall));
        Assert.Equal(0, h.Vcpu(0).Stats.ExitCount(ExitReason.MsrWrite));
    }

    [Fact]
    public void ExitlessPvIpi_TheSenderNeverExitsToSend()
    {
        var h = Broadcast(8, new GuestConfig(), delivery: new ExitlessIpiDelivery());

        Assert.Equal(0, h.Vcpu(0).Stats.ExitCount(ExitReason.MsrWrite));
        Assert.Equal(20, h.Metric("iterations"));
    }

    [Fact]
    public void ClusterId_FollowsTheX2ApicLogicalIdLayout()
    {
        Assert.Equal(0x0000_0001u, GuestApic.ClusterId(0));
        Assert.Equal(0x0000_8000u, GuestApic.ClusterId(15));
        Assert.Equal(0x0001_0001u, GuestApic.ClusterId(16));
        Assert.Equal(0x000B_0010u, GuestApic.ClusterId(180));
    }
}
