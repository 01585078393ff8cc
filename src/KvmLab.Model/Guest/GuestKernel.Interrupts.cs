using KvmLab.Engine.Time;
using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Guest;

/// <summary>Interrupt handling: the vector handlers, IPIs sent through the APIC, EOI.</summary>
public sealed partial class GuestKernel
{
    /// <summary>Interrupt entry: the vector's handler, EOI, IRET.</summary>
    internal void HandleInterrupt(GuestCpu cpu, int vector)
    {
        SimSpan half = new(_host.Costs.GuestInterruptEntryExit.Ns / 2);
        Action iret = cpu.Iret ??= () => cpu.Compute(half, cpu.ReturnFromInterruptAction);
        if (vector is Vectors.CallFunction or Vectors.CallFunctionSingle && (Vm.Config.ApicV || Vm.Config.Avic))
        {
            // With the EOI virtualized nothing in entry, ack and flush waits on anything else: the
            // entry, the flush overhead and the queued functions are one stretch of guest time,
            // and each csd is unlocked at its end (the same instant for the usual single csd).
            Queue<Csd> q = _csdQueues[cpu.Id];
            SimSpan work = half + _host.Costs.GuestCsdFlush;
            foreach (Csd c in q)
            {
                work += c.FunctionCost;
            }

            int count = q.Count;
            cpu.Compute(work, () =>
            {
                for (int i = 0; i < count && q.Count > 0; i++)
                {
                    q.Dequeue().Done.Signal();
                }

                // csds queued while the handler ran are flushed the usual way.
                FlushCsds(cpu, iret);
            });
            return;
        }

        cpu.Compute(half, () =>
        {
            switch (vector)
            {
                case Vectors.CallFunctionSingle:
                case Vectors.CallFunction:
                    // sysvec_call_function(_single): ack_APIC_irq first, then flush the queue.
                    Eoi(cpu, () => cpu.Compute(_host.Costs.GuestCsdFlush, () => FlushCsds(cpu, iret)));
                    break;
                case Vectors.LocalTimer when !_vectorHandlers.ContainsKey(Vectors.LocalTimer):
                    // sysvec_apic_timer_interrupt: ack_APIC_irq, then hrtimer_interrupt.
                    Eoi(cpu, () => cpu.Timers.OnInterrupt(iret));
                    break;
                case Vectors.Reschedule:
                    // sysvec_reschedule_ipi: ack, scheduler_ipi; the reschedule happens on return.
                    Eoi(cpu, () =>
                    {
                        cpu.NeedResched = true;
                        iret();
                    });
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

    /// <summary>apic->send_IPI for one target (see <see cref="GuestApic.SendIpi"/>).</summary>
    public void SendIpi(GuestCpu cpu, byte vector, int target, Action then) => Apic.SendIpi(cpu, vector, target, then);

    /// <summary>EOI (see <see cref="GuestApic.Eoi"/>).</summary>
    public void Eoi(GuestCpu cpu, Action then) => Apic.Eoi(cpu, then);

    /// <summary>Installs the handler body for a vector; it must call the continuation when done.</summary>
    public void SetVectorHandler(int vector, Action<GuestCpu, Action> body) => _vectorHandlers[vector] = body;
}
