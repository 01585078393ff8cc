namespace KvmLab.Model.Kvm;

/// <summary>The policies a host's KVM consults at its decision points.</summary>
public sealed record KvmPolicies(IIcrFastpathPolicy IcrFastpath, IHaltPollPolicy HaltPoll, ITimerFastpathPolicy TimerFastpath);
