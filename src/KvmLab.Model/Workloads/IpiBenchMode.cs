namespace KvmLab.Model.Workloads;

public enum IpiBenchMode
{
    /// <summary>"Normal IPI": smp_call_function_single to one other CPU, wait=1.</summary>
    Unicast,

    /// <summary>"Broadcast IPI": smp_call_function_many to every other online CPU, wait=1.</summary>
    Broadcast,

    /// <summary>smp_call_function_many to a chosen subset of CPUs, wait=1.</summary>
    Multicast,
}
