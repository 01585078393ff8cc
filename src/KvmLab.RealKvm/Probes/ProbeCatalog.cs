using KvmLab.RealKvm.Guests;

namespace KvmLab.RealKvm.Probes;

/// <summary>Every probe, by suite.</summary>
public static class ProbeCatalog
{
    public static IReadOnlyList<string> Suites { get; } = ["exits", "ipi", "timer", "notify"];

    public static IReadOnlyList<IProbe> All { get; } = Build();

    public static IReadOnlyList<IProbe> ForSuite(string suite) =>
        suite == "all" ? All : [.. All.Where(p => p.Suite == suite)];

    private static List<IProbe> Build()
    {
        var list = new List<IProbe>();
        foreach (bool cpl3 in new[] { true, false })
        {
            foreach (ExitKind k in Enum.GetValues<ExitKind>())
            {
                list.Add(new ExitProbe(k, cpl3));
            }
        }

        list.Add(new IpiProbe(IpiSend.X2ApicMsrCpl0, receiverHalted: true, IrqchipMode.Full));
        list.Add(new IpiProbe(IpiSend.XapicMmioCpl0, receiverHalted: true, IrqchipMode.Full));
        list.Add(new IpiProbe(IpiSend.XapicMmioCpl3, receiverHalted: true, IrqchipMode.Full));
        list.Add(new IpiProbe(IpiSend.XapicMmioCpl3, receiverHalted: false, IrqchipMode.Full));
        list.Add(new IpiProbe(IpiSend.X2ApicMsrCpl0, receiverHalted: false, IrqchipMode.Full));
        list.Add(new IpiProbe(IpiSend.XapicMmioCpl3, receiverHalted: true, IrqchipMode.Split));
        foreach (int us in new[] { 10, 50, 200, 1000 })
        {
            list.Add(new TimerProbe($"deadline-{us}us", us, haltPollNs: null, disableHltExits: false));
        }

        // Halt polling swept 0..1 ms at a 50 us deadline: a window longer than the deadline catches it polling.
        foreach (int us in new[] { 0, 10, 100, 1000 })
        {
            list.Add(new TimerProbe($"halt-poll-{us}us", 50, haltPollNs: (ulong)us * 1000, disableHltExits: false));
        }

        list.Add(new TimerProbe("halt-poll-default", 50, haltPollNs: null, disableHltExits: false));
        list.Add(new TimerProbe("disable-hlt-exits", 50, haltPollNs: null, disableHltExits: true));
        foreach (NotifyPath path in Enum.GetValues<NotifyPath>())
        {
            list.Add(new NotifyProbe(path));
        }

        return list;
    }
}
