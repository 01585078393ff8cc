using KvmLab.RealKvm.Interop;

namespace KvmLab.RealKvm.Probes;

/// <summary>sched_setaffinity(2) for the calling thread (pid 0 = this thread).</summary>
public static unsafe class Affinity
{
    public static void PinCurrentThread(int cpu)
    {
        int n = Environment.ProcessorCount;
        ulong mask = 1UL << (cpu % Math.Min(n, 64));
        // Safe: a one-word CPU mask on the stack, read by the kernel during the call.
        _ = Libc.SchedSetAffinity(0, 8, &mask);
    }

    public static void Unpin()
    {
        int n = Math.Min(Environment.ProcessorCount, 64);
        ulong mask = n == 64 ? ulong.MaxValue : (1UL << n) - 1;
        // Safe: as above.
        _ = Libc.SchedSetAffinity(0, 8, &mask);
    }
}
