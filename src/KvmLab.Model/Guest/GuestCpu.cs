using KvmLab.Engine.Events;
using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>
/// Guest execution on one vCPU. Guest code is a chain of activities — compute for a while, spin
/// on a flag, execute an exiting instruction, halt — that advance only while the vCPU is in
/// guest mode: leaving guest mode freezes the activity, re-entry resumes it. Interrupts are taken
/// at instruction boundaries when the guest has them enabled: the interrupted activity is saved,
/// the handler runs, IRET resumes it.
/// </summary>
public sealed partial class GuestCpu : IEventHandler
{
    private const int KindComputeDone = 1;
    private const int KindSpinDone = 2;
    private const int KindSpinBudget = 3;
    private const int KindPauseLoopExit = 4;

    private readonly HostContext _host;
    private readonly Stack<Saved> _saved = new();
    private Activity _act;
    private long _remainingNs;
    private SimTime _segmentStart;
    private bool _segmentOpen;
    private Action? _then;
    private GuestFlag? _spinFlag;
    private long _spinBudgetNs = long.MaxValue;
    private Action? _onSpinBudget;
    private long _gen;

    internal GuestCpu(HostContext host, GuestKernel kernel, Vcpu vcpu)
    {
        _host = host;
        Kernel = kernel;
        Vcpu = vcpu;
        Timers = new GuestTimers(host, this);
    }

    private enum Activity
    {
        None,
        Compute,
        Spin,
        Exiting,
        Halted,
    }

    public GuestKernel Kernel { get; }

    public Vcpu Vcpu { get; }

    public int Id => Vcpu.Index;

    /// <summary>True while an interrupt handler runs (IF=0: no nesting in this model).</summary>
    public bool InInterrupt { get; private set; }

    /// <summary>The guest runs at CPL3 now (user-mode compute); everything else is CPL0.</summary>
    public bool UserMode { get; private set; }

    /// <summary>This CPU's idle-loop continuations.</summary>
    internal GuestKernel.IdleSteps? Idle { get; set; }

    /// <summary>This CPU's reusable smp_call_function state.</summary>
    internal GuestKernel.CallFunctionCall? CallState { get; set; }

    /// <summary>The interrupt return path (second half of entry/exit, then IRET), made once.</summary>
    internal Action? Iret { get; set; }

    /// <summary><see cref="ReturnFromInterrupt"/> as a delegate, made once.</summary>
    internal Action ReturnFromInterruptAction => _returnFromInterrupt ??= ReturnFromInterrupt;

    private Action? _returnFromInterrupt;

    /// <summary>Guest time credited to compute and spin activities so far (never more than the vCPU's guest-mode time).</summary>
    public long CreditedGuestNs { get; private set; }

    /// <summary>Of <see cref="CreditedGuestNs"/>, the time spent spinning (PAUSE loops: idle polling, lock and completion spins).</summary>
    public long SpinGuestNs { get; private set; }

    /// <summary>This CPU's cpuidle-haltpoll governor, when the guest loaded the driver (null otherwise).</summary>
    public GuestHaltPollGovernor? HaltPoll { get; internal set; }

    /// <summary>This CPU's menu governor, when the guest has a cpuidle driver governed by menu (null otherwise).</summary>
    public GuestMenuGovernor? Menu { get; internal set; }

    /// <summary>Idle states entered by the idle loop (HLT, cpuidle's poll state, one idle=poll spin per wake-up).</summary>
    public long IdleEntries { get; internal set; }

    /// <summary>cpuidle poll states (haltpoll's or menu's) that a wake-up ended before their limit, so no HLT was needed.</summary>
    public long IdlePollHits { get; internal set; }

    /// <summary>This CPU's hrtimers and LAPIC timer.</summary>
    public GuestTimers Timers { get; }

    /// <summary>The task on this CPU; null while it runs the idle loop.</summary>
    public GuestTask? CurrentTask { get; internal set; }

    /// <summary>TIF_NEED_RESCHED of the current task: reschedule at the next opportunity.</summary>
    public bool NeedResched { get; internal set; }

    /// <summary>idle=poll: the flag the polling idle loop spins on (set by a wakeup).</summary>
    internal GuestFlag? IdlePollFlag { get; set; }

    private bool InGuestMode => Vcpu.Mode == VcpuMode.InGuest;


    /// <summary>Runs guest instructions for <paramref name="d"/> of guest time, then <paramref name="then"/>.</summary>
    public void Compute(SimSpan d, Action then) => Compute(d, then, user: false);

    /// <summary>Runs instructions at CPL3 (<paramref name="user"/>) or CPL0 for <paramref name="d"/> of guest time.</summary>
    public void Compute(SimSpan d, Action then, bool user)
    {
        UserMode = user;
        _act = Activity.Compute;
        _remainingNs = d.Ns;
        _then = then;
        if (InGuestMode)
        {
            ScheduleCompute();
        }
    }

    /// <summary>Spins (a PAUSE loop at CPL0) until <paramref name="flag"/> is set, then <paramref name="then"/>.</summary>
    public void SpinUntil(GuestFlag flag, Action then) => SpinUntil(flag, then, null, null);

    /// <summary>
    /// Spins until <paramref name="flag"/> is set; if <paramref name="budget"/> of guest time
    /// passes first (the loop only advances in guest mode), runs <paramref name="onBudget"/>
    /// instead (pv qspinlock: spin SPIN_THRESHOLD times, then halt). With pause-loop exiting on,
    /// a spin that lasts the vCPU's ple_window exits (CPL0 only: PLE is ignored at CPL > 0).
    /// </summary>
    public void SpinUntil(GuestFlag flag, Action then, SimSpan? budget, Action? onBudget)
    {
        UserMode = false;
        _act = Activity.Spin;
        _spinFlag = flag;
        _then = then;
        _spinBudgetNs = budget?.Ns ?? long.MaxValue;
        _onSpinBudget = onBudget;
        if (flag.IsSet)
        {
            // Already set: the spinner reads the line once more and leaves.
            ScheduleSpinDone(_host.Costs.CacheLineTransfer);
        }
        else
        {
            flag.SetWaiter(this);
            if (InGuestMode)
            {
                StartSpinSegment();
            }
        }
    }

    /// <summary>A spin runs in guest mode from now: arm its budget and the pause-loop exit.</summary>
    private void StartSpinSegment()
    {
        Vcpu.LabelGuestSpan("spinning");
        OpenSegment();
        _gen++;
        bool ple = Vcpu.Vm.Config.PauseLoopExiting;
        SimSpan window = ple ? Vcpu.PleWindow : SimSpan.Zero;

        // Only the earlier of the two can fire before the segment ends: the other is not scheduled.
        if (_spinBudgetNs != long.MaxValue && (!ple || _spinBudgetNs <= window.Ns))
        {
            _host.Sim.ScheduleAfter(new SimSpan(Math.Max(0, _spinBudgetNs)), this, KindSpinBudget, _gen);
        }
        else if (ple)
        {
            _host.Sim.ScheduleAfter(window, this, KindPauseLoopExit, _gen);
        }
    }

    /// <summary>An instruction that exits (WRMSR, APIC-page write, VMCALL); <paramref name="then"/> runs after it retires.</summary>
    public void ExitingInstruction(ExitReason reason, uint msr, IcrWrite icr, Action then, long data = 0, int[]? targets = null)
    {
        UserMode = false;
        _act = Activity.Exiting;
        _then = then;
        Vcpu.Exit(reason, msr, icr, data, targets);
    }

    /// <summary>STI; HLT: sleep until an interrupt; <paramref name="then"/> runs after the handler returns.</summary>
    public void Halt(Action then)
    {
        UserMode = false;
        _then = then;
        if (!Vcpu.Vm.Config.HltExits)
        {
            // HLT without exiting: the CPU idles in guest mode until an interrupt.
            _act = Activity.Halted;
            if (Vcpu.HasPendingInterrupt)
            {
                OnInterruptPosted();
            }

            return;
        }

        _act = Activity.Halted;
        Vcpu.Exit(ExitReason.Hlt);
    }

    /// <summary>The vCPU entered guest mode: finish the exiting instruction, take interrupts, resume.</summary>
    internal void OnEnterGuest()
    {
        switch (_act)
        {
            case Activity.Exiting:
            case Activity.Halted:
                // The instruction retired; its continuation is the next thing to run.
                _act = Activity.None;
                Action next = TakeThen();
                if (CanTakeInterrupt())
                {
                    _saved.Push(new Saved(Activity.None, 0, next, null, false, null));
                    BeginInterrupt();
                }
                else
                {
                    next();
                }

                break;
            case Activity.Compute:
            case Activity.Spin:
                if (CanTakeInterrupt())
                {
                    SaveCurrentAndBeginInterrupt();
                }
                else if (_act == Activity.Compute)
                {
                    ScheduleCompute();
                }
                else if (_spinFlag!.IsSet)
                {
                    ScheduleSpinDone(_host.Costs.CacheLineTransfer);
                }
                else
                {
                    StartSpinSegment();
                }

                break;
            case Activity.None:
                Kernel.Schedule(this);
                break;
        }
    }

    /// <summary>The vCPU left guest mode: freeze the running activity.</summary>
    internal void OnLeaveGuest()
    {
        if (_act is Activity.Compute or Activity.Spin)
        {
            CloseSegment();
            _gen++; // a pending completion (or "saw the flag") happens after re-entry instead
        }
    }

    internal void OnFlagSet(GuestFlag flag)
    {
        if (_act == Activity.Spin && _spinFlag == flag && InGuestMode)
        {
            ScheduleSpinDone(_host.Costs.CacheLineTransfer);
        }
    }

    void IEventHandler.OnEvent(int kind, long arg)
    {
        if (arg != _gen)
        {
            return;
        }

        switch (kind)
        {
            case KindComputeDone:
            case KindSpinDone:
                CloseSegment();
                if (_act == Activity.Spin)
                {
                    Vcpu.LabelGuestSpan("guest");
                }

                _act = Activity.None;
                _spinFlag = null;
                TakeThen()();
                break;
            case KindSpinBudget:
                CloseSegment();
                Vcpu.LabelGuestSpan("guest");
                _act = Activity.None;
                _spinFlag = null;
                _then = null;
                Action onBudget = _onSpinBudget!;
                _onSpinBudget = null;
                onBudget();
                break;
            case KindPauseLoopExit:
                if (_act == Activity.Spin && InGuestMode)
                {
                    Vcpu.Exit(ExitReason.PauseLoop);
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown guest event {kind}.");
        }
    }

    /// <summary>A compute or spin activity starts advancing in guest mode now.</summary>
    private void OpenSegment()
    {
        _host.Invariants.SegmentOpened(this, _segmentOpen);
        _segmentStart = _host.Sim.Now;
        _segmentOpen = true;
    }

    /// <summary>
    /// Accounts, exactly once, the guest time the running activity advanced since its segment
    /// opened: compute work done, or spin budget spent. Every way a segment ends (completion,
    /// leaving guest mode, an interrupt) comes through here; a second call is a no-op, so the
    /// same guest time can never be credited twice (issue 11: re-entering with an interrupt
    /// pending used to credit the segment again, plus the time spent in the host).
    /// </summary>
    private void CloseSegment()
    {
        if (!_segmentOpen)
        {
            return;
        }

        _segmentOpen = false;
        long ran = (_host.Sim.Now - _segmentStart).Ns;
        if (_act == Activity.Compute)
        {
            _remainingNs -= ran;
            _host.Invariants.RemainingNotNegative(this, "compute", _remainingNs);
        }
        else if (_spinBudgetNs != long.MaxValue)
        {
            // Once the flag is seen, the last read of the line (ScheduleSpinDone) may run past a
            // budget that was about to end: the spin is over, so the overrun is spin time, not debt.
            _spinBudgetNs = _spinFlag is { IsSet: true } ? Math.Max(0, _spinBudgetNs - ran) : _spinBudgetNs - ran;
            _host.Invariants.RemainingNotNegative(this, "spin budget", _spinBudgetNs);
        }

        CreditedGuestNs += ran;
        if (_act == Activity.Spin)
        {
            SpinGuestNs += ran;
        }

        _host.Invariants.WorkWithinGuestTime(this);
    }

    private void ScheduleCompute()
    {
        OpenSegment();
        _gen++;
        _host.Sim.ScheduleAfter(new SimSpan(Math.Max(0, _remainingNs)), this, KindComputeDone, _gen);
    }

    private void ScheduleSpinDone(SimSpan after)
    {
        _gen++;
        _host.Sim.ScheduleAfter(after, this, KindSpinDone, _gen);
    }

    private Action TakeThen()
    {
        Action t = _then ?? throw new InvalidOperationException($"Guest CPU {Id} has no continuation.");
        _then = null;
        return t;
    }

    private readonly record struct Saved(Activity Act, long RemainingNs, Action Then, GuestFlag? Flag, bool User, Action? OnBudget);
}
