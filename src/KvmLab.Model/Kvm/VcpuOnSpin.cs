namespace KvmLab.Model.Kvm;

/// <summary>
/// kvm_vcpu_on_spin (virt/kvm/kvm_main.c, v5.6-5.13): look for a vCPU of the same VM to yield to,
/// round robin from the last boosted one, in two passes, giving up after a success or three
/// yield_to failures that returned &lt; 0. Each candidate passes the filters of
/// <see cref="SpinSkip"/> in kernel order, then kvm_vcpu_eligible_for_directed_yield toggles a
/// spinning candidate's eligibility so two spinners do not keep yielding to each other.
/// </summary>
internal static class VcpuOnSpin
{
    public static SpinResult Run(Vcpu me, bool yieldToKernelMode)
    {
        Vm vm = me.Vm;
        DirectedYieldOptions opts = vm.Config.DirectedYield;
        YieldStats stats = vm.YieldStats;
        int last = vm.LastBoostedVcpu;
        int tries = 3;
        int checkedCount = 0;
        int attempts = 0;
        bool yielded = false;
        stats.OnSpinCalls++;
        me.InSpinLoop = true;
        for (int pass = 0; pass < 2 && !yielded && tries > 0; pass++)
        {
            for (int i = 0; i < vm.Vcpus.Count; i++)
            {
                if (pass == 0 && i <= last)
                {
                    continue;
                }

                if (pass == 1 && i > last)
                {
                    break;
                }

                Vcpu v = vm.Vcpus[i];
                checkedCount++;
                if (Filter(me, v, yieldToKernelMode, opts) is { } skip)
                {
                    stats.Skip(skip);
                    continue;
                }

                attempts++;
                stats.YieldAttempts++;
                int r = vm.Host.Scheduler.YieldTo(me, v, opts.DeboostYielder);
                if (r > 0)
                {
                    stats.YieldSuccesses++;
                    vm.LastBoostedVcpu = i;
                    yielded = true;
                    break;
                }

                if (r < 0 && --tries == 0)
                {
                    break;
                }
            }
        }

        me.InSpinLoop = false;
        me.DyEligible = false; // not eligible during the next spin loop
        return new SpinResult(checkedCount, attempts, yielded);
    }

    /// <summary>The reason to pass over <paramref name="v"/>, or null if it may be yielded to.</summary>
    private static SpinSkip? Filter(Vcpu me, Vcpu v, bool yieldToKernelMode, DirectedYieldOptions opts)
    {
        if (!v.Ready)
        {
            return SpinSkip.NotReady;
        }

        if (v == me)
        {
            return SpinSkip.Self;
        }

        // rcuwait_active && !vcpu_dy_runnable: asleep in kvm_vcpu_block with nothing pending
        // (kvm_arch_dy_runnable: pv_unhalted, or a posted interrupt with APICv).
        bool posted = v.Vm.Config.ApicV || v.Vm.Config.Avic;
        if (v.Mode == VcpuMode.Blocked && !(v.PvUnhalted || (posted && v.HasPendingInterrupt)))
        {
            return SpinSkip.BlockedNothingPending;
        }

        if (opts.IpiSenderAware && v.Mode == VcpuMode.Blocked && !v.IpiSendersWhileOut.Contains(me.Index))
        {
            // Ishiguro 2021 patch 2 (overboost): a halted candidate is boosted only for a spinner
            // that sent it an IPI.
            return SpinSkip.NotAnIpiSender;
        }

        // preempted && yield_to_kernel_mode && !kvm_arch_vcpu_in_kernel; 5.13 (Li) keeps a
        // user-mode candidate with a pending interrupt; Ishiguro 2021 keeps one the spinner sent
        // an IPI (lost opportunity).
        if (v.Preempted && yieldToKernelMode && !v.PreemptedInKernel
            && !(opts.UserModePendingInterrupt && posted && v.HasPendingInterrupt)
            && !(opts.IpiSenderAware && v.IpiSendersWhileOut.Contains(me.Index)))
        {
            return SpinSkip.PreemptedInUserMode;
        }

        // kvm_vcpu_eligible_for_directed_yield.
        bool eligible = !v.InSpinLoop || v.DyEligible;
        if (v.InSpinLoop)
        {
            v.DyEligible = !v.DyEligible;
        }

        return eligible ? null : SpinSkip.NotEligible;
    }
}
