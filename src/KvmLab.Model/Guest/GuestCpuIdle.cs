namespace KvmLab.Model.Guest;

/// <summary>
/// The guest's cpuidle driver and governor when the idle loop halts (scenario key `cpuidle`; the
/// cpuidle-haltpoll driver, `idle: haltpoll`, brings its own governor and is chosen by `idle`).
/// </summary>
public enum GuestCpuIdle
{
    /// <summary>
    /// No cpuidle driver (a KVM guest whose firmware offers no _CST and no cpuidle-haltpoll):
    /// cpuidle_idle_call finds cpuidle_not_available, stops the tick unconditionally
    /// (tick_nohz_idle_stop_tick) and runs default_idle_call (STI; HLT) — kernel/sched/idle.c.
    /// </summary>
    None,

    /// <summary>
    /// A driver with a polling state and one HLT state (the state table of cpuidle-haltpoll and
    /// of acpi_idle's C1 on x86) governed by menu (drivers/cpuidle/governors/menu.c), which
    /// predicts the idle length and keeps the tick when it predicts less than a tick.
    /// </summary>
    Menu,
}
