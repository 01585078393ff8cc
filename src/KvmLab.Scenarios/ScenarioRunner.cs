using System.Reflection;
using KvmLab.Engine.Events;
using KvmLab.Engine.Random;
using KvmLab.Engine.Time;
using KvmLab.Engine.Tracing;
using KvmLab.Model;
using KvmLab.Model.Hardware;
using KvmLab.Model.Invariants;
using KvmLab.Model.Kvm;
using KvmLab.Model.Workloads;
using KvmLab.Policies;

namespace KvmLab.Scenarios;

/// <summary>Builds the host a scenario describes, runs it, and collects its metrics.</summary>
public static class ScenarioRunner
{
    public static string Version { get; } =
        typeof(ScenarioRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// The check level when a caller names none: Full when the environment variable KVMLAB_CHECK
    /// is "full" (the test suites set it in tests/test.runsettings, so every test that simulates
    /// is fully checked), else Basic.
    /// </summary>
    public static InvariantLevel DefaultChecks =>
        string.Equals(Environment.GetEnvironmentVariable("KVMLAB_CHECK"), "full", StringComparison.OrdinalIgnoreCase)
            ? InvariantLevel.Full
            : InvariantLevel.Basic;

    /// <param name="profileOverride">A cost profile to use instead of the one the scenario names.</param>
    /// <param name="control">Progress and cancellation between slices; the results do not depend on it.</param>
    /// <param name="checks">How much physics to check while running (null: <see cref="DefaultChecks"/>).</param>
    public static RunResult Run(ScenarioSpec spec, int replication = 0, ITraceSink? trace = null, CostProfile? profileOverride = null, RunControl? control = null, InvariantLevel? checks = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        trace ??= NullTraceSink.Instance;
        CostProfile profile = profileOverride ?? Profiles.Find(spec.Profile)
            ?? throw new ScenarioProblem("profile", $"unknown cost profile '{spec.Profile}' (known: {string.Join(", ", Profiles.All.Select(p => p.Id))})").ToException(spec);
        var sim = new Simulator();
        var host = new HostContext(sim, profile, spec.Machine, new RngStreams(spec.Seed, replication), trace, checks ?? DefaultChecks);
        var enabled = spec.Features.ToHashSet(StringComparer.Ordinal);
        (KvmConfig featureConfig, KvmPolicies policies) = FeatureCatalog.Configure(enabled, spec.HaltPollMax);
        KvmConfig config = featureConfig with { TimerAdvance = spec.TimerAdvance };
        if (ScenarioChecks.Find(spec, profile) is { } problem)
        {
            throw problem.ToException(spec);
        }

        var vms = new List<Vm>();
        for (int i = 0; i < spec.Vms.Count; i++)
        {
            VmSpec v = spec.Vms[i];
            IReadOnlyList<int>? pins = v.Pin ? [.. Enumerable.Range(v.PinOffset, v.Vcpus)] : null;
            vms.Add(new Vm(host, i, v.Vcpus, config, policies, v.Guest, pins));
        }

        // VMs whose guest runs `stress --cpu` (the noise VMs of an overcommitted host).
        for (int i = 0; i < vms.Count; i++)
        {
            if (spec.Vms[i].Guest.StressCpu)
            {
                new StressCpuWorkload().Install(host, vms[i]);
            }
        }

        IWorkload workload = Install(spec.Workload, spec, host, vms);
        var vmWorkloads = spec.VmWorkloads.Select(w => (w.Vm, Workload: Install(w, spec, host, vms))).ToList();

        host.MeasureFrom = SimTime.Zero + spec.Warmup;
        for (int i = 0; i < spec.Machine.HostHogs; i++)
        {
            host.Scheduler.Start(new Model.HostOs.CpuHog($"hog{i}", host.NextThreadId(), host.Scheduler));
        }

        for (int i = 0; i < vms.Count; i++)
        {
            vms[i].Start(spec.Vms[i].StartJitter);
        }

        // Run in slices so a workload that has done its iterations can end the run early.
        SimTime end = SimTime.Zero + spec.Duration;
        host.RunUntil(
            end,
            () =>
            {
                control?.Cancel.ThrowIfCancellationRequested();
                return workload.Finished;
            },
            now => control?.Progress?.Invoke(now, end));

        host.Scheduler.FinishTrace();
        return new RunResult
        {
            Scenario = spec.Name,
            ScenarioHash = ScenarioHash.Of(spec),
            Seed = spec.Seed,
            Replication = replication,
            Profile = profile.Id,
            Features = [.. spec.Features.Order(StringComparer.Ordinal)],
            Version = Version,
            SimulatedSeconds = sim.Now.Seconds,
            Events = sim.EventsProcessed,
            PrimaryMetric = workload.PrimaryMetric,
            Metrics =
            [
                .. workload.Report(host).Select(m => new RunMetric(m.Name, m.Value, m.Unit)),
                .. vmWorkloads.SelectMany(w => w.Workload.Report(host).Select(m => new RunMetric($"vm{w.Vm}.{m.Name}", m.Value, m.Unit))),
                .. ExitMetrics.Of(host, vms, sim.Now),
            ],
            Summary = workload.Summary(host),
        };
    }

    private static IWorkload Install(WorkloadSpec w, ScenarioSpec spec, HostContext host, List<Vm> vms)
    {
        IWorkload workload = WorkloadFactory.Create(w, spec.Name);
        try
        {
            workload.Install(host, vms[w.Vm]);
        }
        catch (InvalidOperationException e)
        {
            throw new ScenarioException($"{spec.Name}: {w.Key}: {e.Message}", e);
        }

        return workload;
    }
}
