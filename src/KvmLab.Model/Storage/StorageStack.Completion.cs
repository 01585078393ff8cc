using KvmLab.Engine.Time;
using KvmLab.Model.Qemu;

namespace KvmLab.Model.Storage;

/// <summary>The completion half of <see cref="StorageStack"/>: from the drive's CQE to fio seeing it.</summary>
public sealed partial class StorageStack
{

    private void DeviceDone(IoRequest req, int job)
    {
        req.Mark(IoPhase.Device, Now);
        StorageVcpu v = _vcpus[job];
        switch (_cfg.Path)
        {
            case StoragePath.BareMetal:
            case StoragePath.VfioPassthrough:
                DirectCompletion(req, job, v);
                return;
        }

        QemuEventLoop q = _qemu!;
        SimTime start;
        SimSpan stolen = SimSpan.Zero;
        bool spurious = false;
        SimSpan hop = Hop(_cfg.IoThreadNode, 0);
        if (_cfg.Backend != QemuBackend.UserspaceNvme)
        {
            // MSI-X to the IOThread's CPU (managed affinity of the submitting CPU's queue), nvme_irq,
            // aio_complete, eventfd_signal; a polling thread then sees the AIO ring, a blocked one is woken.
            start = IrqCpu is { } irq
                ? q.Notice(OnIrqCpu(irq, Now + _c.MsiDelivery + hop, _c.HostNvmeIrq + _c.EventfdSignal), SimSpan.Zero)
                : q.Notice(Now + _c.MsiDelivery + hop, _c.HostNvmeIrq + _c.EventfdSignal);
        }
        else if (_cfg.PolledQueues)
        {
            start = q.Notice(Now + hop, SimSpan.Zero); // nvme_poll_cb sees the CQE; no interrupt at all
        }
        else if (q.NotificationsSuppressedAt(Now))
        {
            // Polling sees the CQE first, but the MSI-X still arrives and its VFIO handler steals the CPU
            // (or runs on the IRQ's own CPU), and the eventfd it signals is dispatched later for nothing.
            start = q.Notice(Now + hop, SimSpan.Zero);
            if (IrqCpu is { } irq)
            {
                OnIrqCpu(irq, Now + _c.MsiDelivery + hop, _c.VfioMsiHandler + _c.EventfdSignal);
                spurious = true;
            }
            else
            {
                stolen = _c.VfioMsiHandler;
                spurious = true;
            }
        }
        else
        {
            start = IrqCpu is { } irq
                ? q.Notice(OnIrqCpu(irq, Now + _c.MsiDelivery + hop, _c.VfioMsiHandler + _c.EventfdSignal), SimSpan.Zero)
                : q.Notice(Now + _c.MsiDelivery + hop, _c.VfioMsiHandler + _c.EventfdSignal);
        }

        SimSpan driver = _cfg.Backend == QemuBackend.UserspaceNvme ? _c.QemuNvmeComplete : _c.LinuxAioUser;
        SimTime pushed = q.Cpu.Run(start, stolen + driver + CoroutineOrFastpathComplete() + _c.VirtioBlkPush + Hop(_cfg.MemoryNode, _cfg.IoThreadNode));
        req.Mark(IoPhase.Completion, pushed);

        SimSpan vhop = Hop(_cfg.VcpuNode, _cfg.IoThreadNode);
        if (_cfg.IoPoll)
        {
            // Guest iopoll: virtqueue callbacks are off, so virtio_should_notify says no irqfd; the guest sees the used ring.
            SimTime seen = PollSeen(v, pushed + vhop, _c.GuestPollIteration + _c.GuestIrqHandler);
            Finish(req, job, seen);
            SpuriousDispatch(q, spurious);
            return;
        }

        Count(() => Irqfds++);
        SimTime posted = q.Cpu.Run(pushed, _c.SyscallEntryExit + _c.EventfdSignal + _c.IrqfdInject);
        SimTime arrive = posted + _c.MsiDelivery + vhop;
        req.Mark(IoPhase.Injection, arrive);
        At(arrive, EvVcpuInterrupt, req.Id);
        SpuriousDispatch(q, spurious);
    }

    /// <summary>The eventfd a VFIO MSI-X signalled while the thread polled is dispatched later, finding nothing.</summary>
    private void SpuriousDispatch(QemuEventLoop q, bool spurious)
    {
        if (spurious)
        {
            q.Cpu.Run(q.Cpu.FreeAt, _c.QemuFdDispatch);
        }
    }

    /// <summary>Host interrupt work on the IRQ's own CPU, which wakes from its C-state first; returns when it ends.</summary>
    private static SimTime OnIrqCpu(CpuTimeline irq, SimTime arrive, SimSpan handler)
    {
        SimSpan exit = irq.IdleAt(arrive) ? irq.Sleep(irq.FreeAt, arrive) : SimSpan.Zero;
        return irq.Run(arrive, exit + handler);
    }

    /// <summary>Bare metal and VFIO: the drive's CQE reaches the CPU that submitted, by polling or MSI-X.</summary>
    private void DirectCompletion(IoRequest req, int job, StorageVcpu v)
    {
        bool guest = _cfg.Path == StoragePath.VfioPassthrough;
        SimSpan hop = Hop(_cfg.VcpuNode, 0);
        if (_cfg.IoPoll)
        {
            SimTime seen = PollSeen(v, Now + hop, (guest ? _c.GuestPollIteration : _c.HostPollIteration) + _c.HostPolledComplete);
            Finish(req, job, seen);
            return;
        }

        // MSI-X: on bare metal to the CPU's own queue vector; with VFIO posted straight into the vCPU (IOMMU
        // posted interrupts), or to the wake-up vector when the vCPU is blocked.
        SimTime arrive = Now + _c.MsiDelivery + hop;
        if (!guest && IrqCpu is { } irq)
        {
            // The IRQ completes the request on its own CPU, then wakes fio on the submitting CPU.
            SimTime done = OnIrqCpu(irq, arrive, _c.HostNvmeIrq);
            req.Mark(IoPhase.Completion, done);
            bool wasBlocked = v.Cpu.IdleAt(done);
            SimTime up = v.Interrupt(done);
            SimTime reaped = v.Cpu.Run(up, Reap(wasBlocked));
            req.Mark(IoPhase.Wakeup, reaped);
            At(reaped, EvDone, req.Id);
            return;
        }

        req.Mark(IoPhase.Completion, arrive);
        bool blocked = v.Cpu.IdleAt(arrive);
        SimTime running = v.Interrupt(arrive);
        req.Mark(IoPhase.Wakeup, running);
        SimSpan handler = guest ? _cpu.GuestInterruptEntryExit + _c.GuestIrqHandler : _c.HostNvmeIrq;
        SimTime handled = v.Cpu.Run(running, handler);
        req.Mark(guest ? IoPhase.Wakeup : IoPhase.Completion, handled); // the host's own IRQ handler completes the request
        SimTime back = v.Cpu.Run(handled, Reap(blocked));
        req.Mark(IoPhase.Wakeup, back);
        At(back, EvDone, req.Id);
    }

    /// <summary>fio busy-polls (io_poll): the CPU has spun since it went idle; the next pass sees the completion.</summary>
    private static SimTime PollSeen(StorageVcpu v, SimTime visible, SimSpan passAndComplete)
    {
        if (v.Cpu.IdleAt(visible))
        {
            v.Cpu.Spin(visible - v.Cpu.FreeAt);
        }

        return v.Cpu.Run(visible, passAndComplete);
    }

    private void Finish(IoRequest req, int job, SimTime seen)
    {
        req.Mark(IoPhase.Completion, seen);
        SimTime back = _vcpus[job].Cpu.Run(seen, _c.SyscallEntryExit); // the hipri read returns to fio
        req.Mark(IoPhase.Wakeup, back);
        At(back, EvDone, req.Id);
    }

    private void VcpuInterrupt(IoRequest req, int job)
    {
        StorageVcpu target = _vcpus[job];
        bool blocked = target.Cpu.IdleAt(Now);
        SimTime handledAt;
        if (!_cfg.MultiQueue && job != 0)
        {
            // One virtqueue: its interrupt goes to vCPU 0, whose handler wakes fio on vCPU `job` with a
            // reschedule IPI (an x2APIC ICR write: fastpath exit), which then wakes that vCPU.
            StorageVcpu v0 = _vcpus[0];
            SimTime r0 = v0.Interrupt(Now);
            SimTime h0 = v0.Cpu.Run(r0, _cpu.GuestInterruptEntryExit + _c.GuestIrqHandler);
            SimTime sent = v0.Cpu.Run(h0, _cpu.VmExit + _cpu.IcrFastpathHandler + _cpu.EnterGuestLoop + _cpu.VmEntry);
            v0.Exits++;
            SimTime running = target.Interrupt(sent + _cpu.PhysicalIpiLatency);
            handledAt = target.Cpu.Run(running, _cpu.GuestInterruptEntryExit);
        }
        else
        {
            SimTime running = target.Interrupt(Now);
            handledAt = target.Cpu.Run(running, _cpu.GuestInterruptEntryExit + _c.GuestIrqHandler);
        }

        // The guest wakes fio (try_to_wake_up, schedule from idle) and io_getevents returns the event.
        SimTime back = target.Cpu.Run(handledAt, Reap(blocked));
        req.Mark(IoPhase.Wakeup, back);
        At(back, EvDone, req.Id);
    }

    /// <summary>
    /// fio collecting the event: when it was blocked in io_getevents the kernel wakes it
    /// (try_to_wake_up, schedule from idle) and the syscall returns; when it was running (depth &gt; 1,
    /// still submitting) its next io_getevents finds the event without sleeping.
    /// </summary>
    private SimSpan Reap(bool blocked) => (blocked ? _cpu.ThreadWakeup : SimSpan.Zero) + _c.SyscallEntryExit + _c.AioReap;
}
