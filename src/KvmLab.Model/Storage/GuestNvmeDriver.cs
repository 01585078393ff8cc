using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Storage;

/// <summary>
/// The guest's own NVMe driver on a drive passed through with VFIO (drivers/nvme/host/pci.c in
/// the guest): nvme_queue_rq writes the SQE and the doorbell in the BAR QEMU mapped into the guest
/// (no exit); the drive's MSI-X is remapped by the IOMMU into a posted interrupt for the queue's
/// vCPU (VT-d posted interrupts: no host handler while the vCPU runs, the wake-up vector's while it
/// is halted — <see cref="Vcpu.PostDeviceInterrupt"/>); nvme_irq completes the request. With io_poll
/// the task polls the CQ.
/// </summary>
internal sealed class GuestNvmeDriver : IGuestBlockDriver
{
    private readonly HostContext _host;
    private readonly Vm _vm;
    private readonly NvmeDevice _device;
    private readonly IReadOnlyList<GuestFio> _jobs;
    private readonly StorageCosts _c;
    private readonly int _bytes;
    private readonly bool _ioPoll;
    private readonly SimSpan _cpuHop;
    private readonly SimSpan _memoryHop;
    private readonly Queue<IoRequest>[] _cq;

    public GuestNvmeDriver(HostContext host, Vm vm, NvmeDevice device, StorageConfig cfg, int bytes, int queues, IReadOnlyList<GuestFio> jobs)
    {
        _host = host;
        _vm = vm;
        _device = device;
        _jobs = jobs;
        _c = host.Costs.Storage;
        _bytes = bytes;
        _ioPoll = cfg.IoPoll;
        _cpuHop = _c.Hop(cfg.VcpuNode, 0);
        _memoryHop = _c.Hop(cfg.MemoryNode, 0);
        _cq = [.. Enumerable.Range(0, queues).Select(_ => new Queue<IoRequest>())];
        vm.Guest.SetVectorHandler(Vectors.Nvme, OnInterrupt);
    }

    public SimSpan PolledCompletion => _c.GuestPollIteration + _c.HostPolledComplete;

    public void Submit(GuestCpu cpu, IoRequest req, Action then)
    {
        // The same blk-mq and nvme_queue_rq path as the host kernel's, ending in a doorbell write to the mapped BAR.
        cpu.Compute(_c.HostAioSubmit + _cpuHop, () =>
        {
            req.Mark(IoPhase.GuestSubmit, _host.Sim.Now);
            SimTime cqe = _device.Submit(_host.Sim.Now + _memoryHop, _bytes, req.Id);
            _host.Sim.Schedule(cqe, () => Cqe(req));
            then();
        });
    }

    private void Cqe(IoRequest req)
    {
        req.Mark(IoPhase.Device, _host.Sim.Now);
        _host.After(_cpuHop, () =>
        {
            if (_ioPoll)
            {
                _jobs[req.Job].Visible(req);
                return;
            }

            _cq[req.Queue].Enqueue(req);
            _vm.Vcpus[req.Queue].PostDeviceInterrupt(Vectors.Nvme);
        });
    }

    private void OnInterrupt(GuestCpu cpu, Action iret)
    {
        Queue<IoRequest> cq = _cq[_cq.Length == 1 ? 0 : cpu.Id];
        cpu.Kernel.Eoi(cpu, () => Drain(cpu, cq, iret));
    }

    /// <summary>nvme_irq → nvme_process_cq: every new CQE, each completed.</summary>
    private void Drain(GuestCpu cpu, Queue<IoRequest> cq, Action iret)
    {
        if (!cq.TryDequeue(out IoRequest? req))
        {
            iret();
            return;
        }

        req.Mark(IoPhase.Injection, _host.Sim.Now);
        cpu.Compute(_c.GuestIrqHandler, () => _jobs[req.Job].Completed(cpu, req, () => Drain(cpu, cq, iret)));
    }
}
