using KvmLab.Engine.Time;
using KvmLab.Model.Guest;
using KvmLab.Model.Hardware;

namespace KvmLab.Model.Storage;

/// <summary>
/// One fio job as a task on a Linux guest vCPU. With ioengine=libaio it submits until iodepth
/// requests are in flight (io_submit: one syscall each), then io_getevents: the task blocks on a
/// guest wait queue until the block driver's interrupt handler completes a request and wakes it
/// (try_to_wake_up, a context switch), and reaps one event. With io_poll (pvsync2 + hipri) the
/// syscall spans the I/O: the task busy-polls at CPL0 (a guest spin) until its completion is
/// visible, completes it in the poll pass and returns. A blocking syscall pays half its entry/exit
/// on each side of the sleep.
/// </summary>
internal sealed class GuestFio
{
    private readonly HostContext _host;
    private readonly StorageCosts _c;
    private readonly FioJob _fio;
    private readonly FioStats _stats;
    private readonly int _job;
    private readonly int _queue;
    private readonly bool _ioPoll;
    private readonly Queue<IoRequest> _ready = new();
    private readonly GuestWaitQueue _events;
    private readonly GuestFlag _pollFlag = new();
    private IGuestBlockDriver? _driver;
    private int _inflight;

    public GuestFio(HostContext host, FioJob fio, FioStats stats, int job, int queue, bool ioPoll)
    {
        _host = host;
        _c = host.Costs.Storage;
        _fio = fio;
        _stats = stats;
        _job = job;
        _queue = queue;
        _ioPoll = ioPoll;
        _events = new GuestWaitQueue($"fio/job{job}/io_getevents");
        Task = new GuestTask($"fio/job{job}", job, Program());
    }

    public GuestTask Task { get; }

    public IGuestBlockDriver Driver
    {
        set => _driver = value;
    }

    private bool RuntimeOver => _fio.Runtime.Ns > 0 && _host.Sim.Now.Ns >= _fio.Runtime.Ns;

    /// <summary>Interrupt mode: the driver's handler completed <paramref name="req"/> (aio_complete): queue the event and wake the waiter.</summary>
    public void Completed(GuestCpu cpu, IoRequest req, Action then)
    {
        _ready.Enqueue(req);
        cpu.Kernel.Post(cpu, _events, then);
    }

    /// <summary>io_poll: <paramref name="req"/>'s completion became visible to the polling task.</summary>
    public void Visible(IoRequest req)
    {
        _ready.Enqueue(req);
        if (_pollFlag.Outstanding > 0)
        {
            _pollFlag.Signal();
        }
    }

    private IEnumerable<GuestOp> Program()
    {
        SimSpan halfSyscall = new(_c.SyscallEntryExit.Ns / 2);
        SimSpan otherHalf = _c.SyscallEntryExit - halfSyscall;
        while (true)
        {
            while (_inflight < _fio.IoDepth && !RuntimeOver)
            {
                IoRequest req = _stats.NewRequest(_job, _queue);
                _inflight++;
                yield return GuestOp.UserCompute(_c.FioPerIo);
                yield return GuestOp.Compute(_ioPoll ? halfSyscall : _c.SyscallEntryExit);
                yield return GuestOp.Run((cpu, then) => _driver!.Submit(cpu, req, then));
            }

            if (_inflight == 0)
            {
                yield break;
            }

            if (_ioPoll)
            {
                yield return GuestOp.Run(PollOne);
                yield return GuestOp.Compute(otherHalf);
            }
            else
            {
                yield return GuestOp.Compute(halfSyscall);
                yield return GuestOp.WaitOn(_events);
                yield return GuestOp.Compute(otherHalf + _c.AioReap);
            }

            _inflight--;
            _stats.Done(_ready.Dequeue());
        }
    }

    /// <summary>blk_poll until a completion is visible (a CPL0 spin on the ring), then the pass that completes it.</summary>
    private void PollOne(GuestCpu cpu, Action then)
    {
        if (_ready.Count == 0)
        {
            _pollFlag.Arm(1);
            cpu.SpinUntil(_pollFlag, () => PollOne(cpu, then));
            return;
        }

        cpu.Compute(_driver!.PolledCompletion, () =>
        {
            _ready.Peek().Mark(IoPhase.Completion, _host.Sim.Now);
            then();
        });
    }
}
