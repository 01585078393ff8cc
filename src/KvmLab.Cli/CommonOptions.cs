using System.CommandLine;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

internal static class CommonOptions
{
    /// <summary>Probes keep at least 20 samples after warm-up (a p99 needs them) and at most 100,000 (the raw CSVs stay small).</summary>
    public const int MinSamples = 20;

    public const int MaxSamples = 100_000;

    public static Option<ulong?> Seed() => new("--seed") { Description = "RNG seed (runs with the same scenario, seed and build give identical numbers)" };

    public static Option<string> Device() => new("--device") { Description = "The KVM device to open", DefaultValueFactory = _ => "/dev/kvm" };

    public static Option<string?> Profile() => new("--profile") { Description = "A cost profile JSON from 'kvmlab calibrate --out', used instead of the scenario's or experiment's profile" };

    public static Option<bool> Check() => new("--check")
    {
        Description = "Audit the model's physics (time conserved per pCPU and vCPU, guest work within guest time...) at every run slice; a violation stops the run with one line",
    };

    /// <param name="what">What the JSON is, for the help text (each command prints a different shape).</param>
    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} instead of tables" };

    public static Option<int> Samples(string description) => new("--samples") { Description = $"{description} ({MinSamples} to {MaxSamples})", DefaultValueFactory = _ => 10000 };

    /// <summary>The most runs at once a command accepts (a sanity bound, far above any core count here).</summary>
    public const int MaxJobs = 1024;

    /// <param name="what">What runs at once, for the help text.</param>
    public static Option<int?> Jobs(string what) => new("--jobs") { Description = $"{what} run at once on the local cores (default: the number of cores); the output is the same bytes for any value" };

    /// <summary>The --jobs value (the core count when absent) if it is in range; else prints the problem and returns null.</summary>
    public static int? JobsInRange(int? n, string command, TextWriter err)
    {
        int jobs = n ?? Environment.ProcessorCount;
        if (jobs is >= 1 and <= MaxJobs)
        {
            return jobs;
        }

        err.WriteLine($"kvmlab: {command}: --jobs {jobs} is out of range: it must be from 1 to {MaxJobs}");
        return null;
    }

    public static Option<string?> MaxMemory() => new("--max-memory")
    {
        Description = $"Refuse a scenario whose estimated memory is above this size, for example 512M or 16G (default {ByteSize.Format(MemoryEstimate.DefaultLimitBytes)})",
    };

    /// <summary>The --samples value if it is in range; else prints the problem and returns null.</summary>
    public static int? SamplesInRange(int n, string command, TextWriter err)
    {
        if (n is >= MinSamples and <= MaxSamples)
        {
            return n;
        }

        err.WriteLine($"kvmlab: {command}: --samples {n} is out of range: it must be from {MinSamples} to {MaxSamples}");
        return null;
    }

    /// <summary>The --max-memory limit in bytes (the default when absent); else prints the problem and returns null.</summary>
    public static long? MemoryLimit(string? text, string command, TextWriter err)
    {
        if (text is null)
        {
            return MemoryEstimate.DefaultLimitBytes;
        }

        if (ByteSize.TryParse(text, out long bytes) is { } problem)
        {
            err.WriteLine($"kvmlab: {command}: --max-memory: {problem}");
            return null;
        }

        return bytes;
    }
}
