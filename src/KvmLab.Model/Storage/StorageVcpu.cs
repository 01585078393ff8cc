using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Storage;

/// <summary>
/// A pinned vCPU (or, on bare metal, the CPU fio runs on) as the storage path sees it: it runs
/// guest work, and when fio waits it idles in one of three ways: fio busy-polls (io_poll), the
/// guest's cpuidle-haltpoll polls before HLT (host halt polling then off: MSR_KVM_POLL_CONTROL),
/// or it executes HLT at once and KVM halt-polls for the vCPU's halt_poll_ns before blocking
/// (virt/kvm/kvm_main.c kvm_vcpu_block). An interrupt arriving at t finds it in one of those.
/// </summary>
public sealed class StorageVcpu
{
    private readonly StorageCostProfile _c;
    private readonly CostProfile _cpu;
    private readonly IHaltPollPolicy? _hostHaltPoll;
    private readonly bool _virtual;
    private readonly SimSpan _blockedWakeHandler;
    private SimSpan _hostHaltPollNs;

    public StorageVcpu(CpuTimeline cpu, bool isVirtual, GuestHaltPollGovernor? haltpoll, IHaltPollPolicy? hostHaltPoll, StorageCostProfile costs, CostProfile cpuCosts,
        SimSpan blockedWakeHandler = default)
    {
        _blockedWakeHandler = blockedWakeHandler;
        Cpu = cpu;
        _virtual = isVirtual;
        HaltPoll = haltpoll;
        _hostHaltPoll = hostHaltPoll;
        _c = costs;
        _cpu = cpuCosts;
    }

    public CpuTimeline Cpu { get; }

    public GuestHaltPollGovernor? HaltPoll { get; }

    /// <summary>fio is busy-polling for its completion (io_poll): the CPU spins instead of idling.</summary>
    public bool Polling { get; set; }

    public long Halts { get; private set; }

    public long GuestPollHits { get; private set; }

    public long HostPollHits { get; private set; }

    /// <summary>Exits on this vCPU (kicks, HLT), for the report.</summary>
    public long Exits { get; set; }

    /// <summary>
    /// An interrupt for this CPU (posted interrupt, MSI-X, or the wake-up it implies) arrives at
    /// <paramref name="t"/>. Returns when the CPU is running kernel code that can take it:
    /// immediately when running or polling in the guest, later after a halt or a sleep.
    /// </summary>
    public SimTime Interrupt(SimTime t)
    {
        if (!Cpu.IdleAt(t))
        {
            return Cpu.FreeAt; // running (or mid-exit): taken when the current work ends
        }

        SimTime idleFrom = Cpu.FreeAt;
        if (!_virtual)
        {
            // Bare metal: the idle task sleeps in the C-state the menu governor picks.
            SimSpan exit = Cpu.Sleep(idleFrom, t);
            return Cpu.Run(t, exit);
        }

        if (HaltPoll is { } gov)
        {
            SimTime haltAt = idleFrom;
            if (gov.SelectPoll())
            {
                SimSpan limit = new(gov.PollLimitNs);
                if (t - idleFrom <= limit)
                {
                    gov.ReflectPoll(timedOut: false);
                    Cpu.Spin(t - idleFrom);
                    if (Cpu.Measuring)
                    {
                        GuestPollHits++;
                    }
                    return Cpu.Run(t, SimSpan.Zero);
                }

                gov.ReflectPoll(timedOut: true);
                Cpu.Spin(limit);
                haltAt = idleFrom + limit; // select again: a poll that timed out is followed by HLT
            }

            SimTime woken = HaltAndBlock(haltAt, t, SimSpan.Zero);
            gov.ReflectHalt((woken - haltAt).Ns);
            return woken;
        }

        SimSpan window = _hostHaltPoll?.PollWindow(_hostHaltPollNs) ?? SimSpan.Zero;
        SimTime back = HaltAndBlock(idleFrom, t, window);
        return back;
    }

    /// <summary>HLT exit at <paramref name="haltAt"/>, KVM halt-polls for <paramref name="window"/>, then blocks; woken at t.</summary>
    private SimTime HaltAndBlock(SimTime haltAt, SimTime t, SimSpan window)
    {
        if (Cpu.Measuring)
        {
            Halts++;
        }
        Exits++;
        SimSpan hltExit = _cpu.VmExit + _cpu.ExitHostIrqEnable + _cpu.ExitHandlerDispatch + _cpu.HltHandler;
        SimTime blockFrom = haltAt + hltExit;
        SimSpan reenter = _cpu.HaltBlockExit + _cpu.EnterGuestLoop + _cpu.VmEntry;
        SimTime back;
        if (t <= blockFrom)
        {
            // Arrived during the HLT exit: kvm_vcpu_check_block sees it before blocking.
            Cpu.Spin(blockFrom - haltAt);
            back = Cpu.Run(blockFrom, reenter);
        }
        else if (t - blockFrom <= window)
        {
            Cpu.Spin(t - haltAt);
            if (Cpu.Measuring)
            {
                HostPollHits++;
            }
            back = Cpu.Run(t, _cpu.HaltPollIteration + reenter);
        }
        else
        {
            Cpu.Spin(hltExit + window);
            // A VFIO interrupt for a blocked vCPU arrives on the posted-interrupt wake-up vector, whose
            // host handler (pi_wakeup_handler) kicks the vCPU thread; an irqfd kicks it directly.
            SimSpan exit = Cpu.Sleep(blockFrom + window, t);
            back = Cpu.Run(t, exit + _blockedWakeHandler + _cpu.ThreadWakeup + reenter);
        }

        if (_hostHaltPoll is not null && HaltPoll is null)
        {
            _hostHaltPollNs = _hostHaltPoll.Adapt(window, back - blockFrom);
        }

        return back;
    }
}
