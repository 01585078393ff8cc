using System.CommandLine;

namespace KvmLab.Cli;

internal static class CommonOptions
{
    public static Option<ulong?> Seed() => new("--seed") { Description = "RNG seed (runs with the same scenario, seed and build give identical numbers)" };

    public static Option<string> Device() => new("--device") { Description = "The KVM device to open", DefaultValueFactory = _ => "/dev/kvm" };

    public static Option<string?> Profile() => new("--profile") { Description = "A cost profile JSON from 'kvmlab calibrate --out', used instead of the scenario's or experiment's profile" };

    public static Option<bool> Check() => new("--check")
    {
        Description = "Audit the model's physics (time conserved per pCPU and vCPU, guest work within guest time...) at every run slice; a violation stops the run with one line",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON (one object per line) instead of tables" };
}
