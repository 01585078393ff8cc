using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>
/// Runs one mutant through <see cref="KvmLabCli.Run"/>, the entry point Program.cs calls, on its own
/// thread with the main thread's 8 MiB stack, under two guards: a wall-clock guard that cancels the
/// run as Ctrl-C does after <see cref="Guard"/> and calls it a hang if it has not returned
/// <see cref="Grace"/> later, and a memory guard that samples the process's working set every
/// 10 ms and fails the mutant when it grows by more than <see cref="MemoryGuardBytes"/>. Mutants
/// that run are given --max-memory <see cref="MemoryLimitText"/>, so the guard checks the estimate.
/// </summary>
public static partial class MutantRunner
{
    public const string MemoryLimitText = "256M";

    /// <summary>The --max-memory limit plus the slack of a garbage-collected heap (a collection may lag an allocation burst).</summary>
    public const long MemoryGuardBytes = 768L << 20;

    public static TimeSpan Guard { get; set; } = TimeSpan.FromSeconds(10);

    public static TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(30);

    public static Outcome Run(Mutant m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.File is not null && m.Text is not null)
        {
            File.WriteAllText(m.File, m.Text);
        }

        using var o = new StringWriter();
        using var e = new StringWriter();
        using var cts = new CancellationTokenSource();
        int? exit = null;
        Exception? crash = null;
        var worker = new Thread(() =>
        {
            try
            {
                exit = KvmLabCli.Run([.. m.Args], o, e, cts.Token);
            }
#pragma warning disable CA1031 // a crash of any type is what the fuzzer looks for
            catch (Exception x)
#pragma warning restore CA1031
            {
                crash = x;
            }
        }, 8 << 20) { IsBackground = true, Name = $"mutant {m.Index}" };

        GC.Collect();
        long before = Environment.WorkingSet;
        long peak = before;
        var clock = Stopwatch.StartNew();
        worker.Start();
        bool cancelled = false;
        while (!worker.Join(10))
        {
            peak = Math.Max(peak, Environment.WorkingSet);
            if (!cancelled && clock.Elapsed > Guard)
            {
                cancelled = true;
                cts.Cancel();
            }

            if (clock.Elapsed > Guard + Grace)
            {
                return new Outcome(m, "hang", null, e.ToString(), clock.Elapsed, peak - before, $"still running {clock.Elapsed.TotalSeconds:0} s after start, {Grace.TotalSeconds:0} s after the guard cancelled it");
            }
        }

        peak = Math.Max(peak, Environment.WorkingSet);
        TimeSpan elapsed = clock.Elapsed;
        string err = e.ToString();
        long growth = peak - before;
        string? violation = crash is not null ? $"{crash.GetType().Name}: {crash.Message}"
            : growth > MemoryGuardBytes ? $"working set grew by {growth >> 20} MiB"
            : Check(m, exit!.Value, o.ToString(), err, cancelled);
        string cls = crash is not null ? "crash"
            : growth > MemoryGuardBytes ? "memory"
            : violation is not null ? "bad-output"
            : exit == 0 ? "ok"
            : cancelled ? "interrupted"
            : "refused";
        return new Outcome(m, cls, exit, err, elapsed, growth, violation);
    }

    /// <summary>Null when the output keeps the rules, else what broke them.</summary>
    public static string? Check(Mutant m, int exit, string stdout, string stderr, bool cancelled)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(stderr);
        if (exit is not (0 or 1 or 2))
        {
            return $"exit {exit}";
        }

        if (TypeName().Match(stderr + stdout) is { Success: true } t)
        {
            return $"a .NET name in the output: {t.Value}";
        }

        if (exit == 0)
        {
            return string.IsNullOrWhiteSpace(stdout) ? "exit 0 with nothing on standard output" : null;
        }

        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 1)
        {
            return $"{lines.Length} lines on standard error";
        }

        string line = lines[0];
        if (!line.StartsWith("kvmlab: ", StringComparison.Ordinal))
        {
            return "the error line does not start with 'kvmlab: '";
        }

        // A file mutant that is refused must say where: file:line: key: problem, in the mutant or the file it names.
        bool fileError = m.Family is MutantFamily.Scenario or MutantFamily.Sweep && !cancelled;
        if (fileError && Located().Match(line) is not { Success: true })
        {
            return "the error does not name file:line: key";
        }

        if (m.Family == MutantFamily.Profile && !line.Contains(m.File!, StringComparison.Ordinal))
        {
            return "the error does not name the profile file";
        }

        return null;
    }

    [GeneratedRegex(@"System\.[A-Z][A-Za-z]+(`1|\.[A-Z])|\bat [A-Z][A-Za-z.]+\(|Exception:|Unhandled exception")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"^kvmlab: (?:[a-z]+: )?\S.*?:[0-9]+: [^\s:][^:]*: \S")]
    private static partial Regex Located();
}
