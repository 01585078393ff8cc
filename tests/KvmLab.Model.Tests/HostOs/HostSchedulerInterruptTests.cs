using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Invariants;

namespace KvmLab.Model.Tests.HostOs;

/// <summary>
/// Device interrupts on a pCPU (arch/x86/kernel/irq.c common_interrupt, kernel/sched/core.c
/// ttwu): on an idle CPU the interrupt pays the idle state's exit latency, its time is the
/// interrupt's in the CPU's ledger, and a thread its handler wakes on that CPU runs after ttwu and
/// schedule() alone (the CPU is awake: no reschedule IPI, no second idle exit); handlers on one
/// CPU run one after another.
/// </summary>
public class HostSchedulerInterruptTests
{
    private static readonly CostProfile C = Profiles.SkylakeSp2020();

    private readonly HostContext _host = new(new Simulator(), C, new MachineSpec { Pcpus = 2 }, new RngStreams(1), NullTraceSink.Instance);

    private static SimTime At(double us) => SimTime.Zero + SimSpan.FromMicroseconds(us);

    private sealed class Sleeper(HostContext host) : HostWorker(host, "sleeper", 0, (1000, "test"))
    {
        public SimTime Woken { get; private set; }

        public void Wake() => WakeUp();

        protected override void OnStarted() => Sleep(() => Woken = Host.Sim.Now);
    }

    [Fact]
    public void OnAnIdleCpu_TheIdleExitThenTheHandler_InTheInterruptState()
    {
        SimTime done = default;
        SimSpan handler = SimSpan.FromNanoseconds(800);
        Pcpu cpu = _host.Pcpus[1];
        _host.Sim.Schedule(At(10), () => _host.Scheduler.Interrupt(cpu, handler, "nvme", () => done = _host.Sim.Now));
        _host.Sim.RunUntil(At(11));
        Assert.True(cpu.InInterrupt);
        Assert.False(cpu.IsIdle);
        _host.Invariants.Audit();

        _host.Sim.RunUntil(At(50));
        Assert.Equal(At(10) + C.IdleExitLatency + handler, done);
        Assert.True(cpu.IsIdle);
        Assert.Equal((C.IdleExitLatency + handler).Ns, cpu.Ledger.TimeIn((int)PcpuTime.Interrupt, _host.Sim.Now));
        _host.Invariants.Audit();
    }

    [Fact]
    public void AThreadTheHandlerWakes_OnThatCpu_NeedsNoIpi()
    {
        var s = new Sleeper(_host);
        s.Start();
        SimSpan handler = SimSpan.FromNanoseconds(800);
        _host.Sim.Schedule(At(10), () => _host.Scheduler.Interrupt(_host.Pcpus[0], handler, "nvme", s.Wake));
        _host.Sim.RunUntil(At(50));
        Assert.Equal(At(10) + C.IdleExitLatency + handler + C.ThreadWakeup, s.Woken);
        _host.Invariants.Audit();
    }

    [Fact]
    public void TwoInterrupts_OnOneCpu_RunOneAfterTheOther()
    {
        var done = new List<SimTime>();
        SimSpan handler = SimSpan.FromNanoseconds(500);
        Pcpu cpu = _host.Pcpus[0];
        _host.Sim.Schedule(At(10), () =>
        {
            _host.Scheduler.Interrupt(cpu, handler, "a", () => done.Add(_host.Sim.Now));
            _host.Scheduler.Interrupt(cpu, handler, "b", () => done.Add(_host.Sim.Now));
        });
        _host.Sim.RunUntil(At(50));
        SimTime first = At(10) + C.IdleExitLatency + handler;
        Assert.Equal([first, first + handler], done);
        Assert.Equal(2, _host.Scheduler.DeviceInterrupts);
    }
}
