using KvmLab.Engine.Time;

namespace KvmLab.Model.Guest;

/// <summary>
/// A guest hrtimer: an expiry and a callback that runs in the timer interrupt with a
/// continuation. Re-arming or cancelling bumps its generation; stale queue entries are skipped.
/// </summary>
public sealed class GuestHrtimer(string name, Action<GuestCpu, Action> callback)
{
    public string Name { get; } = name;

    public SimTime Expires { get; internal set; }

    public bool IsArmed { get; internal set; }

    internal long Generation { get; set; }

    internal Action<GuestCpu, Action> Callback { get; } = callback;
}
