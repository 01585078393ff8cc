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
}

/// <summary>One step of a guest task's program (a value: stepping a task allocates nothing).</summary>
public readonly record struct GuestOp(GuestOpKind Kind, SimSpan Duration, int[]? Targets, SimSpan FunctionCost, bool Wait)
{
    public static GuestOp Compute(SimSpan d) => new(GuestOpKind.Compute, d, null, SimSpan.Zero, false);

    public static GuestOp CallFunction(int[] targets, SimSpan functionCost, bool wait) =>
        new(GuestOpKind.CallFunction, SimSpan.Zero, targets, functionCost, wait);

    public static GuestOp KutOnCpu(int target) => new(GuestOpKind.KutOnCpu, SimSpan.Zero, [target], SimSpan.Zero, true);
}
