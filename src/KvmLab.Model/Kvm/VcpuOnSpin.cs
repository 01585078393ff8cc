namespace KvmLab.Model.Kvm;

/// <summary>
/// kvm_vcpu_on_spin (virt/kvm/kvm_main.c, v5.6-5.13): look for a vCPU of the same VM to yield to,
/// round robin from the last boosted one, in two passes, giving up after a success or three
/// yield_to failures that returned &lt; 0. Each candidate passes the filters of
/// <see cref="SpinSkip"/> in kernel order (<see cref="Filter"/>), then
/// kvm_vcpu_eligible_for_directed_yield toggles a spinning candidate's eligibility so two
/// spinners do not keep yielding to each other.
/// </summary>
public static class VcpuOnSpin
{
    internal static SpinResult Run(Vcpu me, bool yieldToKernelMode)
    {
        Vm vm = me.Vm;
        DirectedYieldOptions opts = vm.Config.DirectedYield;
        YieldStats stats = vm.YieldStats;
        int tries = 3;
        int checkedCount = 0;
        int attempts = 0;
        bool yielded = false;
        bool posted = vm.Config.ApicV || vm.Config.Avic;
        stats.OnSpinCalls++;
        me.InSpinLoop = true;
        int n = vm.Vcpus.Count;
        int last = vm.LastBoostedVcpu;
        for (int k = 0; k < n && !yielded && tries > 0; k++)
        {
            int i = CandidateAt(n, last, k);
            Vcpu v = vm.Vcpus[i];
            checkedCount++;
            if (!v.Ready)
            {
                // The first filter, and by far the most common outcome: checked before building the view.
                stats.Skip(SpinSkip.NotReady);
                continue;
            }

            var c = new SpinCandidate(
                i, v.Ready, v.Mode == VcpuMode.Blocked, v.PvUnhalted || (posted && v.HasPendingInterrupt),
                v.Preempted, v.PreemptedInKernel, posted && v.HasPendingInterrupt, v.InSpinLoop, v.DyEligible,
                opts.IpiSenderAware && v.IpiSendersWhileOut.Contains(me.Index));
            (SpinSkip? skip, bool toggle, bool markSender) = Filter(c, me.Index, yieldToKernelMode, opts);
            if (toggle)
            {
                v.DyEligible = !v.DyEligible;
            }

            if (markSender)
            {
                v.IpiSendersWhileOut.Add(me.Index); // strict boost: eligible on this spinner's next PLE exit
            }

            if (skip is { } why)
            {
                stats.Skip(why);
                continue;
            }

            attempts++;
            int r = vm.YieldTo(me, v);
            if (r > 0)
            {
                vm.LastBoostedVcpu = i;
                yielded = true;
            }
            else if (r < 0)
            {
                tries--;
            }
        }

        me.InSpinLoop = false;
        me.DyEligible = false; // not eligible during the next spin loop
        return new SpinResult(checkedCount, attempts, yielded);
    }

    /// <summary>
    /// The loop's visiting order: pass 0 from last_boosted_vcpu + 1 to the end, pass 1 from 0 to
    /// last_boosted_vcpu inclusive (kvm_for_each_vcpu with the two `continue`/`break` rules).
    /// </summary>
    public static IEnumerable<int> CandidateOrder(int vcpus, int lastBoosted) =>
        Enumerable.Range(0, vcpus).Select(k => CandidateAt(vcpus, lastBoosted, k));

    /// <summary>The k-th vCPU <see cref="CandidateOrder"/> visits (the loop uses it directly: no iterator on the PLE path).</summary>
    public static int CandidateAt(int vcpus, int lastBoosted, int k)
    {
        int i = lastBoosted + 1 + k;
        return i >= vcpus ? i - vcpus : i;
    }

    /// <summary>
    /// One candidate's filters in kernel order. Returns the reason to skip it (or null), whether
    /// kvm_vcpu_eligible_for_directed_yield toggles its dy_eligible, and whether Ishiguro's strict
    /// boost sets the spinner's bit in its ipi_received.
    /// </summary>
    public static (SpinSkip? Skip, bool ToggleEligible, bool MarkSender) Filter(in SpinCandidate c, int meIndex, bool yieldToKernelMode, DirectedYieldOptions opts)
    {
        if (!c.Ready)
        {
            return (SpinSkip.NotReady, false, false);
        }

        if (c.Index == meIndex)
        {
            return (SpinSkip.Self, false, false);
        }

        // Ishiguro 2021 patch 2: a candidate that was not preempted (halted, or woken to take an
        // interrupt) is boosted only for a spinner that sent it an IPI; otherwise the spinner
        // marks itself and moves on ("overboost").
        if (opts.IpiSenderAware && !c.Preempted && !c.IpiFromSpinner)
        {
            return (SpinSkip.NotAnIpiSender, false, true);
        }

        if (c.Blocked && !c.DyRunnable)
        {
            return (SpinSkip.BlockedNothingPending, false, false);
        }

        if (c.Preempted && yieldToKernelMode && !c.InKernel)
        {
            // 5.13 (commit 52acd22faa1a): still a candidate with an interrupt pending.
            bool pendingRule = opts.UserModePendingInterrupt && c.PendingInterrupt;

            // Ishiguro 2021 patch 2 ("lost opportunity"): a candidate this spinner sent an IPI.
            if (opts.IpiSenderAware && !pendingRule)
            {
                return c.IpiFromSpinner ? Eligibility(c) : (SpinSkip.PreemptedInUserMode, false, true);
            }

            if (!pendingRule)
            {
                return (SpinSkip.PreemptedInUserMode, false, false);
            }
        }

        return Eligibility(c);
    }

    /// <summary>kvm_vcpu_eligible_for_directed_yield: eligible unless it spins and is not dy_eligible; a spinner's flag toggles.</summary>
    private static (SpinSkip? Skip, bool ToggleEligible, bool MarkSender) Eligibility(in SpinCandidate c)
    {
        bool eligible = !c.InSpinLoop || c.DyEligible;
        return (eligible ? null : SpinSkip.NotEligible, c.InSpinLoop, false);
    }
}
