namespace KvmLab.Engine.Tracing;

/// <summary>
/// One timeline in a trace: a (process, thread) pair in trace-event terms. The model gives the
/// host's pCPUs one process and each VM's vCPUs another, one thread (track) per CPU.
/// </summary>
public readonly record struct TraceTrack(int ProcessId, int ThreadId);
