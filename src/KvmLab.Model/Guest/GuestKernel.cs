using KvmLab.Engine.Time;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>
/// The guest kernel of one VM: per-vCPU task queues and idle loop (HLT), call-function IPIs
/// through per-CPU csd queues (kernel/smp.c: llist_add, IPI only when the queue was empty,
/// csd_lock_wait for wait=1), and interrupt handlers. IPIs are sent as the APIC mode dictates:
/// one WRMSR to the x2APIC ICR per target (x2apic_phys), or an xAPIC MMIO write.
/// </summary>
public sealed class GuestKernel
{
    private readonly HostContext _host;
    private readonly GuestCpu[] _cpus;
    private readonly Queue<GuestTask>[] _runQueues;
    private readonly Queue<Csd>[] _csdQueues;
    private readonly Dictionary<int, Action<GuestCpu, Action>> _vectorHandlers = [];

    internal GuestKernel(HostContext host, Vm vm, GuestConfig config)
    {
        _host = host;
        Vm = vm;
        Config = config;
        _cpus = [.. vm.Vcpus.Select(v => new GuestCpu(host, this, v))];
        foreach (GuestCpu c in _cpus)
        {
            c.Vcpu.Guest = c;
        }

        _runQueues = [.. _cpus.Select(_ => new Queue<GuestTask>())];
        _csdQueues = [.. _cpus.Select(_ => new Queue<Csd>())];
    }

    public Vm Vm { get; }

    public GuestConfig Config { get; }

    public bool X2Apic => Config.X2Apic;

    public IReadOnlyList<GuestCpu> Cpus => _cpus;

    public SimTime Now => _host.Sim.Now;

    /// <summary>Adds a task to its CPU's run queue; it runs when that CPU next schedules.</summary>
    public void AddTask(GuestTask task) => _runQueues[task.Cpu].Enqueue(task);

    /// <summary>Installs the handler body for a vector; it must call the continuation when done.</summary>
    public void SetVectorHandler(int vector, Action<GuestCpu, Action> body) => _vectorHandlers[vector] = body;

    /// <summary>The CPU's scheduler: run the next task, else the idle loop (HLT).</summary>
    internal void Schedule(GuestCpu cpu)
    {
        Queue<GuestTask> rq = _runQueues[cpu.Id];
        if (rq.Count > 0)
        {
            RunTask(cpu, rq.Peek());
            return;
        }

        SimSpan idle = Config.Kind == GuestKernelKind.Linux ? _host.Costs.GuestIdleLoop : SimSpan.Zero;
        cpu.Compute(idle, () => cpu.Halt(() => Schedule(cpu)));
    }

    private void RunTask(GuestCpu cpu, GuestTask task)
    {
        GuestOp? next = task.Next();
        if (next is not { } op)
        {
            _runQueues[cpu.Id].Dequeue();
            Schedule(cpu);
            return;
        }

        Action resume = () => RunTask(cpu, task);
        switch (op.Kind)
        {
            case GuestOpKind.Compute:
                cpu.Compute(op.Duration, resume);
                break;
            case GuestOpKind.CallFunction:
                CallFunction(cpu, op.Targets!, op.FunctionCost, op.Wait, resume);
                break;
            case GuestOpKind.KutOnCpu:
                KutOnCpu(cpu, op.Targets![0], resume);
                break;
        }
    }

    /// <summary>
    /// smp_call_function_single / smp_call_function_many: queue a csd on every target (IPI only
    /// a target whose queue was empty), then with wait=1 spin until every function has run.
    /// </summary>
    private void CallFunction(GuestCpu cpu, int[] targets, SimSpan functionCost, bool wait, Action then)
    {
        var done = new GuestFlag();
        done.Arm(targets.Length);
        byte vector = targets.Length == 1 ? Vectors.CallFunctionSingle : Vectors.CallFunction;
        var toIpi = new List<int>(targets.Length);

        void QueueAt(int i)
        {
            if (i == targets.Length)
            {
                SendAll(0);
                return;
            }

            cpu.Compute(_host.Costs.GuestCsdQueue, () =>
            {
                Queue<Csd> q = _csdQueues[targets[i]];
                if (q.Count == 0)
                {
                    toIpi.Add(targets[i]);
                }

                q.Enqueue(new Csd(functionCost, done));
                QueueAt(i + 1);
            });
        }

        void SendAll(int i)
        {
            if (i == toIpi.Count)
            {
                if (wait)
                {
                    cpu.SpinUntil(done, then);
                }
                else
                {
                    then();
                }

                return;
            }

            SendIpi(cpu, vector, toIpi[i], () => SendAll(i + 1));
        }

        QueueAt(0);
    }

    /// <summary>kvm-unit-tests on_cpu(target, nop, 0): one fixed physical IPI, spin on ipi_done.</summary>
    private void KutOnCpu(GuestCpu cpu, int target, Action then)
    {
        var ipiDone = new GuestFlag();
        ipiDone.Arm(1);
        _pendingKutDone[target] = ipiDone;
        SendIpi(cpu, Vectors.KutIpi, target, () => cpu.SpinUntil(ipiDone, then));
    }

    private readonly Dictionary<int, GuestFlag> _pendingKutDone = [];

    /// <summary>The flag the kvm-unit-tests handler on <paramref name="cpu"/> sets (ipi_done).</summary>
    public GuestFlag? TakeKutDoneFlag(int cpu) => _pendingKutDone.Remove(cpu, out GuestFlag? f) ? f : null;

    /// <summary>apic->send_IPI: an x2APIC ICR WRMSR, or the xAPIC ICR MMIO write.</summary>
    public void SendIpi(GuestCpu cpu, byte vector, int target, Action then)
    {
        IcrWrite icr = IcrWrite.FixedPhysical(vector, (uint)target);
        if (X2Apic)
        {
            cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.X2ApicIcr, icr, then);
        }
        else
        {
            // ICR2 (destination) is written first; with APICv that write is virtualized and only
            // the ICR low write traps (APIC-write exit).
            cpu.ExitingInstruction(ExitReason.ApicWrite, MsrIndex.XApicIcrOffset, icr, then);
        }
    }

    /// <summary>Interrupt entry: the vector's handler, EOI, IRET.</summary>
    internal void HandleInterrupt(GuestCpu cpu, int vector)
    {
        SimSpan half = new(_host.Costs.GuestInterruptEntryExit.Ns / 2);
        Action iret = () => cpu.Compute(half, cpu.ReturnFromInterrupt);
        cpu.Compute(half, () =>
        {
            switch (vector)
            {
                case Vectors.CallFunctionSingle:
                case Vectors.CallFunction:
                    // sysvec_call_function(_single): ack_APIC_irq first, then flush the queue.
                    Eoi(cpu, () => cpu.Compute(_host.Costs.GuestCsdFlush, () => FlushCsds(cpu, iret)));
                    break;
                default:
                    if (_vectorHandlers.TryGetValue(vector, out Action<GuestCpu, Action>? body))
                    {
                        body(cpu, iret);
                    }
                    else
                    {
                        Eoi(cpu, iret);
                    }

                    break;
            }
        });
    }

    /// <summary>
    /// EOI: virtualized with APICv (no exit); otherwise an intercepted WRMSR (x2APIC) or an
    /// APIC-page write (xAPIC).
    /// </summary>
    public void Eoi(GuestCpu cpu, Action then)
    {
        if (Vm.Config.ApicV)
        {
            then();
        }
        else if (X2Apic)
        {
            cpu.ExitingInstruction(ExitReason.MsrWrite, MsrIndex.X2ApicEoi, default, then);
        }
        else
        {
            cpu.ExitingInstruction(ExitReason.ApicWrite, MsrIndex.XApicEoiOffset, default, then);
        }
    }

    /// <summary>flush_smp_call_function_queue: run each queued function, then csd_unlock it.</summary>
    private void FlushCsds(GuestCpu cpu, Action then)
    {
        Queue<Csd> q = _csdQueues[cpu.Id];
        if (q.Count == 0)
        {
            then();
            return;
        }

        Csd csd = q.Dequeue();
        cpu.Compute(csd.FunctionCost, () =>
        {
            csd.Done.Signal();
            FlushCsds(cpu, then);
        });
    }

    private readonly record struct Csd(SimSpan FunctionCost, GuestFlag Done);
}
