using KvmLab.RealKvm.Guests;
using KvmLab.RealKvm.Probes;

namespace KvmLab.RealKvm.Tests.Probes;

public class ProbeTests
{
    [KvmFact]
    public void EverySuite_RunsWithFewSamples_NothingFails()
    {
        using Kvm kvm = Kvm.Open();
        var ctx = new ProbeContext(kvm, 20, CancellationToken.None);
        IReadOnlyList<IProbe> probes = [.. Probes(), new NotifyProbe(NotifyPath.IoeventfdIrqfdBlocking), new NotifyProbe(NotifyPath.IoeventfdIrqfdBusyPoll)];

        List<ProbeResult> results = ProbeSession.Run(ctx, probes);

        Assert.All(results, r => Assert.NotEqual(ProbeStatus.Failed, r.Status));
        Assert.Contains(results, r => r.Status == ProbeStatus.Skipped && r.Reason.Contains("#GP", StringComparison.Ordinal));
        Assert.All(results.Where(r => r.Status == ProbeStatus.Measured), r => Assert.True(r.Summary!.Count >= 20));
        Assert.True(ctx.TscKhz > 0);
    }

    private static IEnumerable<IProbe> Probes()
    {
        yield return new ExitProbe(ExitKind.MmioUser, cpl3: true);
        yield return new ExitProbe(ExitKind.Rdmsr, cpl3: true);
        yield return new IpiProbe(IpiSend.XapicMmioCpl3, receiverHalted: true, IrqchipMode.Full);
        yield return new TimerProbe("t", 20, haltPollNs: 0, disableHltExits: false);
    }

    [Fact]
    public void Catalog_HasEverySuiteAndUniqueNames()
    {
        foreach (string s in ProbeCatalog.Suites)
        {
            Assert.NotEmpty(ProbeCatalog.ForSuite(s));
        }

        Assert.Equal(ProbeCatalog.All.Count, ProbeCatalog.All.Select(p => $"{p.Suite}/{p.Name}").Distinct().Count());
        Assert.All(ComparisonPlan.Pairs, pair =>
        {
            Assert.Contains(ProbeCatalog.All, p => $"{p.Suite}/{p.Name}" == pair.A);
            Assert.Contains(ProbeCatalog.All, p => $"{p.Suite}/{p.Name}" == pair.B);
        });
    }
}
