using KvmLab.Engine.Time;
using KvmLab.Model.Hardware;
using KvmLab.Model.Storage;

namespace KvmLab.Model.Tests.Storage;

/// <summary>The host idle-state choice (menu.c typical interval) over intel_idle's skx_cstates.</summary>
public class MenuIdleGovernorTests
{
    private static MenuIdleGovernor Skx() => new(StorageCostProfiles.For(Profiles.SkylakeSp2020()).IdleStates);

    [Fact]
    public void NoHistory_PicksDeepestState()
    {
        Assert.Equal("C6", Skx().Select().Name);
    }

    [Fact]
    public void ShortIntervals_PickC1_LongerPickC1E()
    {
        var g = Skx();
        for (int i = 0; i < 8; i++)
        {
            g.Observe(SimSpan.FromMicroseconds(8));
        }

        Assert.Equal("C1", g.Select().Name); // 8 us < C1E target residency 20 us

        for (int i = 0; i < 8; i++)
        {
            g.Observe(SimSpan.FromMicroseconds(50));
        }

        Assert.Equal("C1E", g.Select().Name); // 50 us < C6's 600 us
    }

    [Fact]
    public void VeryShortIntervals_PickPoll()
    {
        var g = Skx();
        for (int i = 0; i < 8; i++)
        {
            g.Observe(SimSpan.FromNanoseconds(500));
        }

        Assert.Equal("POLL", g.Select().Name);
        Assert.Equal(SimSpan.Zero, g.Select().ExitLatency);
    }
}
