namespace KvmLab.Model.Kvm;

/// <summary>
/// kvm_vcpu_on_spin (virt/kvm/kvm_main.c, v5.6-5.13): look for a vCPU of the same VM to yield to,
/// round robin from the last boosted one, in two passes, giving up after a success or three
/// yield_to failures that returned &lt; 0. Each candidate passes the VM's
/// <see cref="ISpinCandidateFilter"/> (the rules of the kernel version or patch in use), which ends
/// with kvm_vcpu_eligible_for_directed_yield (<see cref="SpinRules.Eligibility"/>) toggling a
/// spinning candidate's eligibility so two spinners do not keep yielding to each other.
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
                opts.IpiSenderAware && v.IpiSendersWhileOut.Contains(me.Index))
            {
                IpiReceived = opts.IpiSenderAware && v.IpiSendersWhileOut.Count > 0,
            };
            (SpinSkip? skip, bool toggle, bool markSender) = vm.Policies.SpinFilter.Filter(c, me.Index, yieldToKernelMode);
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
}
