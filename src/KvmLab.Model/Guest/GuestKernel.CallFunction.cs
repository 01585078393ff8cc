using KvmLab.Engine.Time;
using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>smp_call_function_many (kernel/smp.c), PV sched yield to preempted targets, and kvm-unit-tests' on_cpu.</summary>
public sealed partial class GuestKernel
{
    /// <summary>
    /// smp_call_function_single / smp_call_function_many: queue a csd on every target (IPI only
    /// a target whose queue was empty), then with wait=1 spin until every function has run.
    /// </summary>
    public void SmpCallFunctionMany(GuestCpu cpu, int[] targets, SimSpan functionCost, bool wait, Action then)
    {
        // One call in flight per CPU (it runs with preemption off and never from an interrupt
        // handler), so each CPU reuses one state object and its delegates. The done flag is new
        // per call: targets may still hold a csd of a call that did not wait.
        CallFunctionCall call = cpu.CallState ??= new CallFunctionCall(this, cpu);
        call.Begin(targets, functionCost, wait, then);
    }

    /// <summary>The steps of one smp_call_function_* on one CPU, with their continuations made once.</summary>
    internal sealed class CallFunctionCall
    {
        private readonly GuestKernel _k;
        private readonly GuestCpu _cpu;
        private readonly List<int> _toIpi = [];
        private readonly Action _queued;
        private readonly Action _sent;
        private readonly Action _waitDone;
        private readonly Action _spin;
        private int[] _targets = [];
        private SimSpan _cost;
        private bool _wait;
        private Action? _then;
        private GuestFlag _done = new();

        public CallFunctionCall(GuestKernel k, GuestCpu cpu)
        {
            _k = k;
            _cpu = cpu;
            _queued = Queued;
            _spin = () => _cpu.SpinUntil(_done, Finish);
            _waitDone = () =>
            {
                if (_wait)
                {
                    _spin();
                }
                else
                {
                    Finish();
                }
            };
            Action waitDone = _waitDone;
            _sent = () => _k.PvSchedYield(_cpu, _targets, waitDone);
        }

        public void Begin(int[] targets, SimSpan cost, bool wait, Action then)
        {
            _targets = targets;
            _cost = cost;
            _wait = wait;
            _then = then;
            _done = new GuestFlag();
            _done.Arm(targets.Length);
            _toIpi.Clear();

            // The csd_lock/fill/llist_add loop over the mask, charged as one stretch of guest time
            // (the queues are updated when it ends: the targets see the csds after it anyway).
            _cpu.Compute(_k._host.Costs.GuestCsdQueue * targets.Length, _queued);
        }

        private void Queued()
        {
            foreach (int t in _targets)
            {
                Queue<Csd> q = _k._csdQueues[t];
                if (q.Count == 0)
                {
                    _toIpi.Add(t);
                }

                q.Enqueue(new Csd(_cost, _done));
            }

            if (_toIpi.Count == 0)
            {
                _waitDone();
            }
            else if (_targets.Length == 1)
            {
                _k.Apic.SendIpi(_cpu, Vectors.CallFunctionSingle, _toIpi[0], _waitDone);
            }
            else
            {
                _k.Apic.SendIpiMany(_cpu, Vectors.CallFunction, [.. _toIpi], _sent);
            }
        }

        private void Finish()
        {
            Action then = _then!;
            _then = null;
            then();
        }
    }

    /// <summary>
    /// kvm_smp_send_call_func_ipi (arch/x86/kernel/kvm.c, with KVM_FEATURE_PV_SCHED_YIELD): after
    /// the IPIs, yield by KVM_HC_SCHED_YIELD to the first target whose steal-time preempted flag
    /// is set (vcpu_is_preempted).
    /// </summary>
    internal void PvSchedYield(GuestCpu cpu, int[] targets, Action then)
    {
        if (Vm.Config.DirectedYield.PvSchedYield)
        {
            foreach (int t in targets)
            {
                if (Vm.Vcpus[t].Preempted)
                {
                    cpu.ExitingInstruction(ExitReason.Hypercall, 0, default, then, Hypercall.SchedYield, [t]);
                    return;
                }
            }
        }

        then();
    }

    /// <summary>kvm-unit-tests on_cpu(target, nop, 0): one fixed physical IPI, spin on ipi_done.</summary>
    private void KutOnCpu(GuestCpu cpu, int target, Action then)
    {
        var ipiDone = new GuestFlag();
        ipiDone.Arm(1);
        _pendingKutDone[target] = ipiDone;
        Apic.SendIpi(cpu, Vectors.KutIpi, target, () => cpu.SpinUntil(ipiDone, then));
    }

    /// <summary>The flag the kvm-unit-tests handler on <paramref name="cpu"/> sets (ipi_done).</summary>
    public GuestFlag? TakeKutDoneFlag(int cpu) => _pendingKutDone.Remove(cpu, out GuestFlag? f) ? f : null;

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
