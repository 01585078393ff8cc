using System.Globalization;
using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Kvm;

namespace KvmLab.Model.Workloads;

/// <summary>
/// hackbench (rt-tests src/hackbench/hackbench.c, defaults 10 groups, 20 fds, 100 loops,
/// 100-byte messages, socketpairs, processes): in each group every sender writes one message per
/// loop to each of the group's receivers, and each receiver reads fds x loops messages. Task k is
/// placed on vCPU k mod n. A write to a receiver that sleeps wakes it (try_to_wake_up, with a
/// reschedule IPI to an idle or preempted CPU); the socket buffer (212992 bytes by default) holds
/// what hackbench writes ahead, so senders do not block. The result is hackbench's "Time:", and
/// the throughput in messages per second.
/// </summary>
public sealed class HackbenchWorkload : IWorkload
{
    private int _receiversLeft;
    private SimTime _start;
    private SimTime _end;
    private long _messages;

    public int Groups { get; init; } = 10;

    public int Fds { get; init; } = 20;

    public int Loops { get; init; } = 100;

    public int DataSize { get; init; } = 100;

    /// <summary>write() of one message to an AF_UNIX stream socket: syscall, skb allocation and copy, queueing. ESTIMATE: 1.5 us for 100 bytes.</summary>
    public SimSpan WriteCost { get; init; } = SimSpan.FromMicroseconds(1.5);

    /// <summary>read() of one message: syscall, skb dequeue, copy, free. ESTIMATE: 1.2 us for 100 bytes.</summary>
    public SimSpan ReadCost { get; init; } = SimSpan.FromMicroseconds(1.2);

    public string Id => "hackbench";

    public string PrimaryMetric => "throughput";

    public bool Finished => _receiversLeft == 0 && _end > SimTime.Zero;

    public void Install(HostContext host, Vm vm)
    {
        if (Groups < 1 || Fds < 1 || Loops < 1)
        {
            throw new InvalidOperationException("hackbench needs at least one group, one fd and one loop.");
        }

        GuestKernel k = vm.Guest;
        _start = k.Now;
        int n = vm.Vcpus.Count;
        int task = 0;
        _receiversLeft = Groups * Fds;
        SimSpan perByte = SimSpan.FromNanoseconds(DataSize / 100.0); // ESTIMATE: ~1 ns per byte copied beyond the fixed path
        for (int g = 0; g < Groups; g++)
        {
            var queues = Enumerable.Range(0, Fds).Select(r => new GuestWaitQueue($"g{g}/r{r}")).ToArray();
            foreach (GuestWaitQueue q in queues)
            {
                k.AddTask(new GuestTask($"hackbench/g{g}/{q.Name}", task++ % n, Receiver(k, q, perByte)));
            }

            for (int s = 0; s < Fds; s++)
            {
                k.AddTask(new GuestTask($"hackbench/g{g}/s{s}", task++ % n, Sender(queues, perByte)));
            }
        }
    }

    private IEnumerable<GuestOp> Sender(GuestWaitQueue[] receivers, SimSpan perByte)
    {
        for (int l = 0; l < Loops; l++)
        {
            foreach (GuestWaitQueue q in receivers)
            {
                yield return GuestOp.Compute(WriteCost + perByte);
                yield return GuestOp.Post(q);
            }
        }
    }

    private IEnumerable<GuestOp> Receiver(GuestKernel k, GuestWaitQueue q, SimSpan perByte)
    {
        for (int m = 0; m < Fds * Loops; m++)
        {
            yield return GuestOp.WaitOn(q);
            yield return GuestOp.Compute(ReadCost + perByte);
            _messages++;
        }

        if (--_receiversLeft == 0)
        {
            _end = k.Now;
        }
    }

    public IReadOnlyList<WorkloadMetric> Report(HostContext host)
    {
        double seconds = Math.Max((_end - _start).Seconds, 1e-12);
        bool done = _receiversLeft == 0;
        return
        [
            new("completed", done ? 1 : 0, "bool"),
            new("time", done ? seconds : double.NaN, "s"),
            new("messages", _messages, "count"),
            new("throughput", done ? _messages / seconds : double.NaN, "msg/s"),
        ];
    }

    public IReadOnlyList<string> Summary(HostContext host)
    {
        int tasks = Groups * Fds * 2;
        string time = _receiversLeft == 0
            ? (_end - _start).Seconds.ToString("F6", CultureInfo.InvariantCulture)
            : "(not finished: lengthen the scenario's duration)";
        return
        [
            $"Running in process mode with {Groups} groups using {Fds * 2} file descriptors each (== {tasks} tasks)",
            $"Each sender will pass {Loops} messages of {DataSize} bytes",
            $"Time: {time}",
        ];
    }
}
