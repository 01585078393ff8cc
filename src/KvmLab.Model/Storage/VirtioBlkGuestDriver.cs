using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;
using KvmLab.Model.Qemu;

namespace KvmLab.Model.Storage;

/// <summary>
/// The guest's virtio-blk driver (drivers/block/virtio_blk.c, drivers/virtio/virtio_ring.c):
/// virtio_queue_rq adds the request to its virtqueue's avail ring, then virtqueue_kick_prepare
/// reads whether the device wants a notification; if so virtqueue_notify writes the queue's
/// notify address — an EPT_MISCONFIG exit through the vCPU's exit path to the ioeventfd. On the
/// queue's MSI-X vector, vring_interrupt → virtblk_done takes every used buffer and completes
/// each request (blk_mq_complete_request → aio_complete, waking fio). With the iopoll prototype
/// (io_poll) callbacks are off and fio polls the used ring instead.
/// </summary>
internal sealed class VirtioBlkGuestDriver : IGuestBlockDriver
{
    private readonly HostContext _host;
    private readonly VirtioBlkDevice _device;
    private readonly FioStats _stats;
    private readonly IReadOnlyList<GuestFio> _jobs;
    private readonly StorageCosts _c;

    public VirtioBlkGuestDriver(HostContext host, Vm vm, VirtioBlkDevice device, FioStats stats, IReadOnlyList<GuestFio> jobs)
    {
        _host = host;
        _device = device;
        _stats = stats;
        _jobs = jobs;
        _c = host.Costs.Storage;
        vm.Guest.SetVectorHandler(Vectors.VirtioBlk, OnInterrupt);
    }

    public SimSpan PolledCompletion => _c.GuestPollIteration + _c.GuestIrqHandler;

    public void Submit(GuestCpu cpu, IoRequest req, Action then)
    {
        cpu.Compute(_c.GuestVirtioSubmit + _c.GuestKickPrepare, () =>
        {
            req.Mark(IoPhase.GuestSubmit, _host.Sim.Now);
            VirtQueue vq = _device.Queues[req.Queue];
            _device.Publish(req);
            bool kick = vq.Notification;
            _stats.CountKick(suppressed: !kick);
            if (kick)
            {
                cpu.ExitingInstruction(ExitReason.EptMisconfig, 0, default, then, data: vq.NotifyAddress);
            }
            else
            {
                then();
            }
        });
    }

    /// <summary>The queue's vector: the edge handler acks the APIC, then vring_interrupt → virtblk_done.</summary>
    private void OnInterrupt(GuestCpu cpu, Action iret)
    {
        VirtQueue vq = _device.Queues[_device.Queues.Count == 1 ? 0 : cpu.Id];
        cpu.Kernel.Eoi(cpu, () => Drain(cpu, vq, iret));
    }

    /// <summary>virtblk_done: virtqueue_get_buf until the used ring is empty, completing each request.</summary>
    private void Drain(GuestCpu cpu, VirtQueue vq, Action iret)
    {
        if (!vq.Used.TryDequeue(out IoRequest? req))
        {
            iret();
            return;
        }

        req.Mark(IoPhase.Injection, _host.Sim.Now);
        cpu.Compute(_c.GuestIrqHandler, () => _jobs[req.Job].Completed(cpu, req, () => Drain(cpu, vq, iret)));
    }
}
