namespace KvmLab.Model.Invariants;

/// <summary>The states a pCPU's elapsed time divides into.</summary>
public enum PcpuTime
{
    /// <summary>No thread and no switch under way.</summary>
    Idle,

    /// <summary>A context switch or an idle exit is under way.</summary>
    Switching,

    /// <summary>A thread runs.</summary>
    Running,

    /// <summary>No thread: a device interrupt (and the idle exit it woke the CPU with) runs.</summary>
    Interrupt,
}
