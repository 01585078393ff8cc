using System.Globalization;
using KvmLab.Engine.Invariants;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;
using KvmLab.Model.Kvm;
using ThreadState = KvmLab.Model.HostOs.ThreadState;

namespace KvmLab.Model.Invariants;

/// <summary>
/// The model's physics, checked (issue 11): time is conserved per pCPU and per vCPU, and every
/// account of the same time agrees — the pCPU ledgers with the scheduler's busy time and the
/// threads' runtimes, each vCPU's ledger with its thread's runtime and its KVM statistics — and
/// guest work is never credited beyond the guest-mode time of the vCPU that ran it. A violation
/// throws <see cref="InvariantViolationException"/>: a number past that point is a bug, not a result.
/// </summary>
public sealed class InvariantChecker
{
    private readonly HostContext _host;

    internal InvariantChecker(HostContext host, InvariantLevel level)
    {
        _host = host;
        Level = level;
    }

    public InvariantLevel Level { get; }

    /// <summary>Full audits done so far (the last one at the end of the run).</summary>
    public long Audits { get; private set; }

    private SimTime Now => _host.Sim.Now;

    /// <summary>A guest activity opens a segment while one is open: the first one's time would be lost or credited twice.</summary>
    internal void SegmentOpened(GuestCpu cpu, bool alreadyOpen)
    {
        if (alreadyOpen)
        {
            throw Violation("one-open-segment", cpu.Vcpu.Name, "a compute or spin segment opened while another was still open");
        }
    }

    internal void RemainingNotNegative(GuestCpu cpu, string what, long remainingNs)
    {
        if (remainingNs < 0)
        {
            throw Violation("remaining-work-not-negative", cpu.Vcpu.Name, $"{what} remaining is {remainingNs} ns");
        }
    }

    /// <summary>Guest work credited on a vCPU never exceeds the time that vCPU spent in guest mode.</summary>
    internal void WorkWithinGuestTime(GuestCpu cpu)
    {
        long guest = cpu.Vcpu.Ledger.TimeIn((int)VcpuTime.Guest, Now);
        if (cpu.CreditedGuestNs > guest)
        {
            throw Violation("work-within-guest-time", cpu.Vcpu.Name, $"{cpu.CreditedGuestNs} ns of guest work credited in {guest} ns of guest mode");
        }
    }

    /// <summary>Every charge comes from the profile: the profile's every cost must be a valid duration.</summary>
    internal void ProfileIsValid(CostProfile costs)
    {
        if (costs.Problems() is { Count: > 0 } problems)
        {
            throw Violation("profile-costs-valid", $"profile {costs.Id}", string.Join("; ", problems));
        }
    }

    /// <summary>Every ledger against every other account of the same time; throws on the first disagreement.</summary>
    public void Audit()
    {
        Audits++;
        SimTime now = Now;
        HostScheduler sched = _host.Scheduler;
        long cpuRunning = 0;
        foreach (Pcpu cpu in _host.Pcpus)
        {
            string name = $"pcpu{cpu.Id}";
            TimeLedger l = cpu.Ledger;
            Equal("pcpu-time-conservation", name, "idle + switching + running + interrupt", l.Total(now), "elapsed", now.Ns - l.Start.Ns);
            long running = l.TimeIn((int)PcpuTime.Running, now);
            Equal("pcpu-busy-agrees", name, "ledger running time", running, "scheduler busy time", sched.BusyTimeSoFar(cpu).Ns);
            cpuRunning += running;
            PcpuTime expected = cpu.Current is not null ? PcpuTime.Running
                : cpu.Switching ? PcpuTime.Switching
                : cpu.InInterrupt ? PcpuTime.Interrupt
                : PcpuTime.Idle;
            if (l.State != (int)expected)
            {
                throw Violation("pcpu-state-agrees", name, $"ledger says {(PcpuTime)l.State} but the CPU is {expected}");
            }

            if (cpu.Current is { } t && (t.State != ThreadState.Running || t.Cpu != cpu))
            {
                throw Violation("one-thread-per-pcpu", name, $"runs {t.Name}, which is {t.State} on pcpu{t.Cpu?.Id}");
            }
        }

        long threadRuntime = 0;
        foreach (HostThread t in sched.Threads)
        {
            threadRuntime += sched.RuntimeSoFar(t).Ns;
            if (t.State == ThreadState.Running && t.Cpu?.Current != t)
            {
                throw Violation("one-thread-per-pcpu", t.Name, $"is running but pcpu{t.Cpu?.Id} runs {t.Cpu?.Current?.Name ?? "nothing"}");
            }
        }

        Equal("cpu-time-agrees", "host", "pCPU running time", cpuRunning, "thread runtimes", threadRuntime);
        foreach (Vm vm in _host.Vms)
        {
            foreach (Vcpu v in vm.Vcpus)
            {
                AuditVcpu(v, now);
            }
        }
    }

    private void AuditVcpu(Vcpu v, SimTime now)
    {
        TimeLedger l = v.Ledger;
        Equal("vcpu-time-conservation", v.Name, "guest + exit handling + polling + halted + runnable + preempted + not started", l.Total(now), "elapsed", now.Ns - l.Start.Ns);
        long guest = l.TimeIn((int)VcpuTime.Guest, now);
        long onCpu = guest + l.TimeIn((int)VcpuTime.ExitHandling, now) + l.TimeIn((int)VcpuTime.Polling, now);
        Equal("vcpu-runtime-agrees", v.Name, "guest + exit handling + polling", onCpu, "thread runtime", _host.Scheduler.RuntimeSoFar(v).Ns);
        Equal("vcpu-guest-time-agrees", v.Name, "ledger guest time", guest, "KVM statistics guest time", v.GuestTimeSoFar.Ns);
        bool onCpuState = l.State is (int)VcpuTime.Guest or (int)VcpuTime.ExitHandling or (int)VcpuTime.Polling;
        if (onCpuState != (v.State == ThreadState.Running))
        {
            throw Violation("vcpu-state-agrees", v.Name, $"ledger says {(VcpuTime)l.State} but the thread is {v.State}");
        }

        if (v.Guest.CreditedGuestNs > guest)
        {
            throw Violation("work-within-guest-time", v.Name, $"{v.Guest.CreditedGuestNs} ns of guest work credited in {guest} ns of guest mode");
        }
    }

    private void Equal(string invariant, string entity, string what, long value, string against, long expected)
    {
        if (value != expected)
        {
            throw Violation(invariant, entity, string.Create(CultureInfo.InvariantCulture, $"{what} = {value} ns but {against} = {expected} ns (off by {value - expected} ns)"));
        }
    }

    private InvariantViolationException Violation(string invariant, string entity, string detail) =>
        new(invariant, entity, Now, detail);
}
