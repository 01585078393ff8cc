using System.CommandLine;

namespace KvmLab.Cli;

internal static class CommonOptions
{
    public static Option<ulong?> Seed() => new("--seed") { Description = "RNG seed (runs with the same scenario, seed and build give identical numbers)" };

    public static Option<string> Device() => new("--device") { Description = "The KVM device to open", DefaultValueFactory = _ => "/dev/kvm" };

    public static Option<string?> Profile() => new("--profile") { Description = "A cost profile JSON from 'kvmlab calibrate --out', used instead of the scenario's or experiment's profile" };

    /// <param name="what">What the JSON is, for the help text (each command prints a different shape).</param>
    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} instead of tables" };
}
