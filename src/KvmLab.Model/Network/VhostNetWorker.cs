using KvmLab.Model.HostOs;

namespace KvmLab.Model.Network;

/// <summary>
/// The vhost worker thread of one virtio-net queue pair (drivers/vhost/vhost.c vhost_worker,
/// drivers/vhost/net.c, v5.10; busyloop_timeout 0, the default): it sleeps until work is queued —
/// a TX kick (the ioeventfd's vhost_poll_wakeup) or a packet at the tap (tun's sk_data_ready) —
/// then runs handle_tx (notifications off, every queued packet to the tap, notifications on and a
/// re-check: vhost_net_disable_vq / vhost_enable_notify) and handle_rx (each tap packet copied
/// into the guest's RX ring, then vhost_signal: the irqfd, unless the guest's NAPI polls). A host
/// thread like any other: it needs a pCPU, can be preempted and is woken by try_to_wake_up.
/// </summary>
public sealed class VhostNetWorker : HostWorker
{
    private readonly VirtioNetQueue _q;
    private readonly VhostNetCosts _c;
    private readonly Action<int> _sent;
    private bool _sleeping;

    /// <param name="sent">A packet (its connection) left through the tap towards the client.</param>
    public VhostNetWorker(HostContext host, int vmId, VirtioNetQueue q, VhostNetCosts costs, Action<int> sent)
        : base(host, $"vhost-{vmId}/q{q.Index}", pinnedCpu: null, (1000 + vmId, $"vm{vmId} vhost-net"))
    {
        _q = q;
        _c = costs;
        _sent = sent;
        q.Kick.Watcher = Queued;
    }

    public long TxPackets { get; private set; }

    public long RxPackets { get; private set; }

    /// <summary>A packet reached the tap for this queue (from the wire).</summary>
    public void TapReceive(int connection)
    {
        _q.TapRx.Enqueue(connection);
        Queued();
    }

    /// <summary>vhost_work_queue: wake the worker if it sleeps; a running worker finds the work in its loop.</summary>
    private void Queued()
    {
        if (_sleeping)
        {
            _sleeping = false;
            WakeUp();
        }
    }

    protected override void OnStarted() => Loop();

    private void Loop()
    {
        _q.Kick.TestAndClear();
        if (_q.Tx.Count > 0)
        {
            _q.TxNotification = false; // vhost_disable_notify
            HandleTx();
            return;
        }

        if (_q.TapRx.Count > 0)
        {
            HandleRx();
            return;
        }

        _sleeping = true;
        Sleep(Loop);
    }

    private void HandleTx()
    {
        if (_q.Tx.TryDequeue(out int c))
        {
            TxPackets++;
            Run(_c.TxPerPacket, () =>
            {
                _sent(c);
                HandleTx();
            }, "handle_tx");
            return;
        }

        // vhost_enable_notify, then the re-check of an empty ring.
        _q.TxNotification = true;
        Loop();
    }

    private void HandleRx()
    {
        if (!_q.TapRx.TryDequeue(out int c))
        {
            Loop();
            return;
        }

        RxPackets++;
        Run(_c.RxPerPacket, () =>
        {
            _q.Rx.Enqueue(c);
            if (!_q.RxCallbacks)
            {
                HandleRx(); // NAPI polls the ring: no interrupt (vhost_signal skipped by the used event)
                return;
            }

            // vhost_signal -> eventfd_signal -> irqfd_wakeup -> the posted interrupt.
            _q.RxCallbacks = false; // the guest's skb_recv_done disables callbacks when it takes it
            _q.RxInterrupts++;
            Run(Host.Costs.Storage.EventfdSignal + Host.Costs.Storage.IrqfdInject, () =>
            {
                _q.RxIrq.Signal();
                HandleRx();
            }, "vhost_signal");
        }, "handle_rx");
    }
}
