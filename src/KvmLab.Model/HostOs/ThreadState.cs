namespace KvmLab.Model.HostOs;

public enum ThreadState
{
    /// <summary>Sleeping (TASK_INTERRUPTIBLE): not on any run queue.</summary>
    Sleeping,

    /// <summary>On a run queue, waiting for its CPU.</summary>
    Runnable,

    /// <summary>On its CPU.</summary>
    Running,
}
