using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Storage;

/// <summary>
/// An NVMe queue pair driven by the host kernel (drivers/nvme/host/pci.c, v5.10): nvme_queue_rq
/// writes the SQE and rings the SQ doorbell; the drive's CQE either raises the pair's MSI-X vector,
/// taken as a host interrupt (nvme_irq → nvme_process_cq → blk_mq_complete_request → bio_endio →
/// aio_complete) on the CPU its managed affinity names — the submitting CPU, or another with
/// irq_other_cpu — or, on a polled queue (poll_queues, REQ_HIPRI), is found by blk_poll.
/// </summary>
internal sealed class HostNvmeQueue
{
    private readonly HostContext _host;
    private readonly NvmeDevice _device;
    private readonly int _bytes;
    private readonly Func<int, Hardware.Pcpu> _irqCpu;
    private readonly SimSpan _memoryHop;
    private readonly SimSpan _cpuHop;
    private readonly bool _polled;
    private readonly SimSpan _irqHandler;
    private readonly Action<IoRequest> _onComplete;
    private readonly string _name;

    /// <param name="irqCpu">The CPU the queue's vector lands on, given the submitting CPU.</param>
    /// <param name="memoryHop">The crossing between the drive's node and the data's.</param>
    /// <param name="cpuHop">The crossing between the drive's node and the submitting CPU's.</param>
    /// <param name="irqHandler">The host interrupt handler's work for one completion.</param>
    /// <param name="onComplete">At the handler's end (or when a poller can see the CQE): the completion's effect.</param>
    public HostNvmeQueue(HostContext host, NvmeDevice device, int bytes, Func<int, Hardware.Pcpu> irqCpu, SimSpan memoryHop, SimSpan cpuHop,
        bool polled, SimSpan irqHandler, Action<IoRequest> onComplete, string name)
    {
        _host = host;
        _device = device;
        _bytes = bytes;
        _irqCpu = irqCpu;
        _memoryHop = memoryHop;
        _cpuHop = cpuHop;
        _polled = polled;
        _irqHandler = irqHandler;
        _onComplete = onComplete;
        _name = name;
    }

    /// <summary>The SQ doorbell for <paramref name="req"/> rings now (its SubmitCpu set by the submitter).</summary>
    public void Doorbell(IoRequest req)
    {
        SimTime cqe = _device.Submit(_host.Sim.Now + _memoryHop, _bytes, req.Id);
        _host.Sim.Schedule(cqe, () => Cqe(req));
    }

    private void Cqe(IoRequest req)
    {
        req.Mark(IoPhase.Device, _host.Sim.Now);
        if (_polled)
        {
            _host.After(_cpuHop, () => _onComplete(req));
            return;
        }

        // The MSI-X write reaches the CPU in the vector's affinity like an IPI.
        CostProfile c = _host.Costs;
        _host.After(c.PhysicalIpiLatency + _cpuHop, () =>
            _host.Scheduler.Interrupt(_irqCpu(req.SubmitCpu), _irqHandler, _name, () => _onComplete(req)));
    }
}
