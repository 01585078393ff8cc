using KvmLab.Engine.Time;

namespace KvmLab.Model.Guest;

public enum GuestOpKind
{
    /// <summary>Run guest instructions for a while.</summary>
    Compute,

    /// <summary>smp_call_function_single / _many: queue a function on each target, IPI them, optionally wait.</summary>
    CallFunction,

    /// <summary>kvm-unit-tests on_cpu: one fixed IPI on the test vector, then spin on ipi_done.</summary>
    KutOnCpu,

    /// <summary>clock_nanosleep(TIMER_ABSTIME): arm an hrtimer and block until it wakes the task.</summary>
    SleepUntil,

    /// <summary>Block on a wait queue until a token is posted (a read on an empty socket, epoll_wait).</summary>
    Wait,

    /// <summary>Post a token to a wait queue, waking its first waiter (a write to a socket).</summary>
    Post,

    /// <summary>Run arbitrary guest kernel code with a continuation.</summary>
    Run,
}

/// <summary>One step of a guest task's program (a value: stepping a task allocates nothing).</summary>
public readonly record struct GuestOp(GuestOpKind Kind, SimSpan Duration, int[]? Targets, SimSpan FunctionCost, bool Wait)
{
    public SimTime At { get; init; }

    public GuestWaitQueue? Queue { get; init; }

    public Action<GuestCpu, Action>? Body { get; init; }

    /// <summary>For Compute: the instructions run at CPL3 (user mode).</summary>
    public bool User { get; init; }

    public static GuestOp Compute(SimSpan d) => new(GuestOpKind.Compute, d, null, SimSpan.Zero, false);

    /// <summary>User-mode (CPL3) instructions for a while.</summary>
    public static GuestOp UserCompute(SimSpan d) => new(GuestOpKind.Compute, d, null, SimSpan.Zero, false) { User = true };

    public static GuestOp CallFunction(int[] targets, SimSpan functionCost, bool wait) =>
        new(GuestOpKind.CallFunction, SimSpan.Zero, targets, functionCost, wait);

    public static GuestOp KutOnCpu(int target) => new(GuestOpKind.KutOnCpu, SimSpan.Zero, [target], SimSpan.Zero, true);

    public static GuestOp SleepUntil(SimTime at) => new(GuestOpKind.SleepUntil, SimSpan.Zero, null, SimSpan.Zero, false) { At = at };

    public static GuestOp WaitOn(GuestWaitQueue q) => new(GuestOpKind.Wait, SimSpan.Zero, null, SimSpan.Zero, false) { Queue = q };

    public static GuestOp Post(GuestWaitQueue q) => new(GuestOpKind.Post, SimSpan.Zero, null, SimSpan.Zero, false) { Queue = q };

    public static GuestOp Run(Action<GuestCpu, Action> body) => new(GuestOpKind.Run, SimSpan.Zero, null, SimSpan.Zero, false) { Body = body };
}
