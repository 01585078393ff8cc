using KvmLab.Engine.Invariants;
using KvmLab.Engine.Events;
using KvmLab.Engine.Time;

namespace KvmLab.Engine.Tests.Events;

public class SimTimerTests
{
    private readonly Simulator _sim = new();
    private readonly List<long> _fired = [];

    private SimTimer NewTimer() => new(_sim, () => _fired.Add(_sim.Now.Ns));

    [Fact]
    public void NewTimer_IsNotArmed()
    {
        var timer = NewTimer();
        Assert.False(timer.IsArmed);
        _sim.RunUntil(new SimTime(1000));
        Assert.Empty(_fired);
    }

    [Fact]
    public void Arm_FiresOnceAtTheDeadline()
    {
        var timer = NewTimer();
        timer.Arm(new SimTime(100));

        Assert.True(timer.IsArmed);
        Assert.Equal(100, timer.Deadline.Ns);

        _sim.RunUntil(new SimTime(99));
        Assert.Empty(_fired);
        Assert.True(timer.IsArmed);

        _sim.RunUntil(new SimTime(1000));
        Assert.Equal([100L], _fired);
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void ArmAfter_IsRelativeToNow()
    {
        var timer = NewTimer();
        _sim.RunUntil(new SimTime(40));
        timer.ArmAfter(new SimSpan(60));

        Assert.Equal(100, timer.Deadline.Ns);
        _sim.RunUntil(new SimTime(1000));
        Assert.Equal([100L], _fired);
    }

    [Fact]
    public void Cancel_PreventsFiring()
    {
        var timer = NewTimer();
        timer.Arm(new SimTime(100));
        _sim.RunUntil(new SimTime(50));

        timer.Cancel();

        Assert.False(timer.IsArmed);
        _sim.RunUntil(new SimTime(1000));
        Assert.Empty(_fired);
        Assert.Equal(1, _sim.EventsProcessed); // the stale firing is still delivered, and dropped
    }

    [Fact]
    public void Cancel_WhenNotArmed_IsHarmless()
    {
        var timer = NewTimer();
        timer.Cancel();
        Assert.False(timer.IsArmed);

        timer.Arm(new SimTime(10));
        _sim.RunUntil(new SimTime(20));
        timer.Cancel(); // after firing

        Assert.Equal([10L], _fired);
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void ReArm_Later_ReplacesTheEarlierDeadline()
    {
        var timer = NewTimer();
        timer.Arm(new SimTime(50));
        timer.Arm(new SimTime(100));

        Assert.Equal(100, timer.Deadline.Ns);
        _sim.RunUntil(new SimTime(1000));

        Assert.Equal([100L], _fired);
        Assert.Equal(2, _sim.EventsProcessed);
    }

    [Fact]
    public void ReArm_Earlier_ReplacesTheLaterDeadline()
    {
        var timer = NewTimer();
        timer.Arm(new SimTime(100));
        timer.Arm(new SimTime(50));

        Assert.Equal(50, timer.Deadline.Ns);
        _sim.RunUntil(new SimTime(1000));

        Assert.Equal([50L], _fired);
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void ReArm_ManyTimes_OnlyTheLastFires()
    {
        var timer = NewTimer();
        for (int i = 1; i <= 100; i++)
        {
            timer.Arm(new SimTime(1000 - (i * 7 % 500)));
        }

        long last = timer.Deadline.Ns;
        _sim.RunUntil(new SimTime(10_000));

        Assert.Equal([last], _fired);
    }

    [Fact]
    public void ReArm_AtTheSameTime_AfterCancel_FiresOnce()
    {
        var timer = NewTimer();
        timer.Arm(new SimTime(100));
        timer.Cancel();
        timer.Arm(new SimTime(100));

        _sim.RunUntil(new SimTime(1000));

        Assert.Equal([100L], _fired);
    }

    [Fact]
    public void ReArm_FromItsOwnCallback_MakesAPeriodicTimer()
    {
        var fired = new List<long>();
        SimTimer? timer = null;
        timer = new SimTimer(_sim, () =>
        {
            fired.Add(_sim.Now.Ns);
            Assert.False(timer!.IsArmed);
            if (fired.Count < 4)
            {
                timer.ArmAfter(new SimSpan(25));
            }
        });
        timer.Arm(new SimTime(10));

        _sim.RunUntil(new SimTime(1000));

        Assert.Equal([10L, 35L, 60L, 85L], fired);
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void TwoTimers_AreIndependent()
    {
        var a = NewTimer();
        var b = NewTimer();
        a.Arm(new SimTime(30));
        b.Arm(new SimTime(20));
        a.Cancel();

        _sim.RunUntil(new SimTime(100));

        Assert.Equal([20L], _fired);
        Assert.False(a.IsArmed);
        Assert.False(b.IsArmed);
    }

    [Fact]
    public void Arm_InThePast_Throws()
    {
        var timer = NewTimer();
        _sim.RunUntil(new SimTime(100));

        Assert.Throws<InvariantViolationException>(() => timer.Arm(new SimTime(99)));
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void Arm_InThePast_LeavesTheEarlierArmingInPlace()
    {
        var timer = NewTimer();
        _sim.RunUntil(new SimTime(100));
        timer.Arm(new SimTime(500));

        Assert.Throws<InvariantViolationException>(() => timer.Arm(new SimTime(50)));

        Assert.True(timer.IsArmed);
        Assert.Equal(500, timer.Deadline.Ns);
        _sim.RunUntil(new SimTime(1000));
        Assert.Equal([500L], _fired);
    }
}
