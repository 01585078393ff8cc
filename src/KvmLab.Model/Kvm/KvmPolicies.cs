using KvmLab.Model.Guest;

namespace KvmLab.Model.Kvm;

/// <summary>The policies a host's KVM and its guests consult at their decision points (implementations by source in KvmLab.Policies).</summary>
public sealed record KvmPolicies(
    IIcrFastpathPolicy IcrFastpath,
    IHaltPollPolicy HaltPoll,
    ITimerFastpathPolicy TimerFastpath,
    ISpinCandidateFilter SpinFilter,
    IIpiDeliveryPolicy IpiDelivery,
    ITimerDeliveryPolicy TimerDelivery);
