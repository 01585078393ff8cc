using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.HostOs;

namespace KvmLab.Model.Storage;

/// <summary>
/// One fio job on bare metal: a host thread on the shared scheduler. It submits through the host
/// block layer and NVMe driver (io_submit: the syscall, blk-mq, nvme_queue_rq, the doorbell), then
/// waits in io_getevents — the thread sleeps; the queue's MSI-X handler (nvme_irq → aio_complete)
/// wakes it — or, with io_poll (pvsync2 + hipri on a polled queue), spins in blk_poll until the
/// CQE is there and completes it in the poll pass.
/// </summary>
internal sealed class HostFio : HostWorker
{
    private readonly StorageCosts _c;
    private readonly FioJob _fio;
    private readonly FioStats _stats;
    private readonly int _job;
    private readonly bool _ioPoll;
    private readonly SimSpan _hostHop;
    private readonly SimSpan _submit;
    private readonly Queue<IoRequest> _ready = new();
    private int _inflight;

    /// <param name="submit">The host kernel's submission after the syscall entry (libaio or io_uring).</param>
    /// <param name="hostHop">The crossing between fio's CPU and the drive's node.</param>
    public HostFio(HostContext host, int? pinnedCpu, FioJob fio, FioStats stats, int job, bool ioPoll, SimSpan submit, SimSpan hostHop)
        : base(host, $"fio/job{job}", pinnedCpu, StorageTrace.HostFio)
    {
        _c = host.Costs.Storage;
        _fio = fio;
        _stats = stats;
        _job = job;
        _ioPoll = ioPoll;
        _hostHop = hostHop;
        _submit = submit;
    }

    /// <summary>The job's queue pair (its CPU's), set before the thread starts.</summary>
    public HostNvmeQueue? Queue { get; set; }

    private bool RuntimeOver => _fio.Runtime.Ns > 0 && Host.Sim.Now.Ns >= _fio.Runtime.Ns;

    private SimSpan HalfSyscall => new(_c.SyscallEntryExit.Ns / 2);

    /// <summary>nvme_irq → aio_complete (at the handler's end): the event is ready and the sleeping waiter is woken.</summary>
    public void IrqCompleted(IoRequest req)
    {
        req.Mark(IoPhase.Completion, Host.Sim.Now);
        _ready.Enqueue(req);
        WakeUp();
    }

    /// <summary>A polled queue's CQE is visible to blk_poll.</summary>
    public void CqeVisible(IoRequest req)
    {
        _ready.Enqueue(req);
        Poke();
    }

    protected override void OnStarted() => Next();

    private void Next()
    {
        if (_inflight < _fio.IoDepth && !RuntimeOver)
        {
            Submit();
            return;
        }

        if (_inflight == 0)
        {
            Sleep(() => { }); // the job is done: nothing wakes it again
            return;
        }

        if (_ioPoll)
        {
            Poll(Forever, _c.HostPollIteration, PolledComplete, () => { });
            if (_ready.Count > 0)
            {
                Poke(); // the first blk_poll pass finds it
            }

            return;
        }

        // io_getevents: half the syscall on the way in; sleep unless an event is there already.
        Run(HalfSyscall, () =>
        {
            if (_ready.Count > 0)
            {
                Reap();
            }
            else
            {
                Sleep(Reap);
            }
        }, "io_getevents");
    }

    private void Submit()
    {
        IoRequest req = _stats.NewRequest(_job, _job);
        _inflight++;
        SimSpan syscall = _ioPoll ? HalfSyscall : _c.SyscallEntryExit;
        Run(_c.FioPerIo + syscall, () =>
        {
            req.Mark(IoPhase.GuestSubmit, Host.Sim.Now);
            Run(_submit + _hostHop, () =>
            {
                req.Mark(IoPhase.Host, Host.Sim.Now);
                req.SubmitCpu = Cpu!.Id;
                Queue!.Doorbell(req);
                Next();
            }, "submit (host kernel)");
        }, "fio");
    }

    private void PolledComplete()
    {
        Run(_c.HostPolledComplete, () =>
        {
            _ready.Peek().Mark(IoPhase.Completion, Host.Sim.Now);
            Run(_c.SyscallEntryExit - HalfSyscall, Finish, "syscall return");
        }, "blk_poll complete");
    }

    private void Reap() => Run(_c.SyscallEntryExit - HalfSyscall + _c.AioReap, Finish, "io_getevents");

    private void Finish()
    {
        _inflight--;
        _stats.Done(_ready.Dequeue());
        Next();
    }
}
