namespace KvmLab.RealKvm.Probes;

/// <summary>The A/B questions a probe run answers, as pairs of probe ids (suite/name).</summary>
public static class ComparisonPlan
{
    public static IReadOnlyList<(string A, string B)> Pairs { get; } =
    [
        ("exits/mmio-ioeventfd-cpl3", "exits/mmio-user-cpl3"),
        ("exits/cpuid-cpl3", "exits/cpuid-cpl0"),
        ("exits/pio-ioeventfd-cpl0", "exits/pio-user-cpl0"),
        ("ipi/x2apic-msr-cpl0-halted", "ipi/xapic-mmio-cpl0-halted"),
        ("ipi/xapic-mmio-cpl3-spinning", "ipi/xapic-mmio-cpl3-halted"),
        ("ipi/xapic-mmio-cpl3-halted", "ipi/xapic-mmio-cpl3-halted-split"),
        ("timer/halt-poll-1000us", "timer/halt-poll-0us"),
        ("timer/halt-poll-default", "timer/disable-hlt-exits"),
        ("notify/ioeventfd-irqfd-busypoll", "notify/ioeventfd-irqfd-blocking"),
        ("notify/ioeventfd-irqfd-blocking", "notify/exit-signal-msi"),
    ];

    public static List<Comparison> Evaluate(IReadOnlyList<ProbeResult> results)
    {
        var byId = results.Where(r => r.Status == ProbeStatus.Measured).ToDictionary(r => $"{r.Suite}/{r.Name}");
        var list = new List<Comparison>();
        foreach ((string a, string b) in Pairs)
        {
            if (byId.TryGetValue(a, out ProbeResult? ra) && byId.TryGetValue(b, out ProbeResult? rb))
            {
                list.Add(AbTest.Compare(a, ra.Samples, b, rb.Samples));
            }
        }

        return list;
    }
}
