using System.Text.RegularExpressions;

namespace KvmLab.Cli.Tests.Fuzz;

/// <summary>
/// Text mutations of a YAML or JSON file, chosen by a seeded <see cref="Random"/> so the same seed
/// gives the same mutants: numbers replaced by edge values, keys deleted, duplicated or renamed,
/// values of the wrong type or from another key's vocabulary, truncation, unbalanced brackets,
/// unicode, indentation, empty files. Each returns the new text, its kind and a description.
/// </summary>
public static partial class Mutator
{
    /// <summary>Replacements for a number: zero, negatives, overflow of int/uint/long, non-finite, tiny, fractional.</summary>
    public static readonly string[] EdgeNumbers =
    [
        "0", "-1", "1", "-0", "4294967297", "2147483648", "4294967295", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
        "NaN", "Infinity", "-Infinity", ".inf", "1e300", "-1e300", "1e-300", "1e9", "1000000000", "2.5", "0.5", "1.0", "3.999", "1e3", "0x10", "1_000",
    ];

    /// <summary>Values of the wrong type for any key.</summary>
    public static readonly string[] WrongTypes =
    [
        "[1, 2]", "[]", "{a: 1}", "{}", "true", "\"text\"", "~", "null", "''", "-", "|", "yes please", "2ms", "[ipi-fastpath]", "!!binary aGVsbG8=",
    ];

    /// <summary>Valid words from the scenario vocabulary: a mutant that swaps them tests the semantic and platform checks.</summary>
    public static readonly string[] Vocabulary =
    [
        "avic", "apicv", "ipi-fastpath", "timer-fastpath", "exitless-pv-ipi", "passthrough-timer", "pv-send-ipi", "preemption-timer", "ple",
        "amd-rome-2020", "skylake-sp-2020", "xeon-8260", "xapic", "x2apic", "x2apic-cluster", "kvm-unit-tests", "linux", "poll", "hlt",
        "kut-ipi", "ipi-bench", "cyclictest", "hackbench", "memcached", "ipi-send", "fio", "ebizzy", "lock-stress", "pbzip2",
        "multicast", "broadcast", "unicast", "vfio", "bare-metal", "nvme", "io_uring", "1", "1024", "5ms", "3600s", "3601s",
    ];

    /// <summary>Keys to insert somewhere, with a value picked from the edge numbers or the vocabulary.</summary>
    public static readonly string[] Keys =
    [
        "pcpus", "vcpus", "threads", "groups", "fds", "loops", "locks", "connections", "targets", "sender", "target", "start_jitter",
        "host_hogs", "hz", "pin_offset", "iterations", "interval_us", "priority", "halt_poll_ns", "iodepth", "numjobs", "device_latency",
        "vm", "replications", "seed", "duration", "warmup", "mode",
    ];

    private static readonly string[] Unicode = ["é", "中文", "🙂", "\u200b", "\u202e", "\u0000", "\ufeff", "ß", "\u00a0", "𝟙", "١٢", "\t", "\r"];

    private static readonly string[] Kinds =
    [
        "number", "number", "number", "number", "delete-key", "duplicate-key", "rename-key", "wrong-type", "vocabulary", "vocabulary",
        "truncate", "brackets", "unicode", "indent", "swap-values", "insert-key", "insert-key", "empty", "double",
    ];

    public static (string Text, string Kind, string Description, int? NumberLine, int? NumberColumn) Mutate(string text, Random rng)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(rng);
        string kind = Kinds[rng.Next(Kinds.Length)];
        string[] lines = text.Split('\n');
        List<int> content = [.. Enumerable.Range(0, lines.Length).Where(i => lines[i].Trim().Length > 0 && !lines[i].TrimStart().StartsWith('#'))];
        int pick = content.Count == 0 ? 0 : content[rng.Next(content.Count)];
        switch (kind)
        {
            case "number":
                var numbers = content.SelectMany(i => Number().Matches(Code(lines[i])).Select(m => (Line: i, Match: m))).ToList();
                if (numbers.Count == 0)
                {
                    goto case "wrong-type";
                }

                var (line, match) = numbers[rng.Next(numbers.Count)];
                string with = EdgeNumbers[rng.Next(EdgeNumbers.Length)];
                lines[line] = lines[line][..match.Index] + with + lines[line][(match.Index + match.Length)..];
                return (Join(lines), kind, $"line {line + 1}: {match.Value} -> {with}", line + 1, match.Index + 1);
            case "delete-key":
                string gone = lines[pick];
                lines = [.. lines.Where((_, i) => i != pick)];
                return (Join(lines), kind, $"line {pick + 1} deleted: {Show(gone)}", null, null);
            case "duplicate-key":
                lines = [.. lines.Take(pick + 1), lines[pick], .. lines.Skip(pick + 1)];
                return (Join(lines), kind, $"line {pick + 1} duplicated: {Show(lines[pick])}", null, null);
            case "rename-key":
                Match k = KeyName().Match(lines[pick]);
                if (!k.Success)
                {
                    goto case "unicode";
                }

                string renamed = rng.Next(3) switch { 0 => k.Groups[1].Value + "s", 1 => k.Groups[1].Value.ToUpperInvariant(), _ => k.Groups[1].Value[1..] + k.Groups[1].Value[0] };
                lines[pick] = lines[pick][..k.Groups[1].Index] + renamed + lines[pick][(k.Groups[1].Index + k.Groups[1].Length)..];
                return (Join(lines), kind, $"line {pick + 1}: key {k.Groups[1].Value} -> {renamed}", null, null);
            case "wrong-type":
            case "vocabulary":
                string[] pool = kind == "vocabulary" ? Vocabulary : WrongTypes;
                string value = pool[rng.Next(pool.Length)];
                Match v = Value().Match(lines[pick]);
                if (v.Success)
                {
                    lines[pick] = lines[pick][..v.Groups[1].Index] + value;
                    return (Join(lines), kind, $"line {pick + 1}: value -> {value}", null, null);
                }

                var words = Word().Matches(Code(lines[pick]));
                if (words.Count > 0)
                {
                    Match w = words[rng.Next(words.Count)];
                    lines[pick] = lines[pick][..w.Index] + value + lines[pick][(w.Index + w.Length)..];
                    return (Join(lines), kind, $"line {pick + 1}: {w.Value} -> {value}", null, null);
                }

                goto case "brackets";
            case "truncate":
                int cut = text.Length == 0 ? 0 : rng.Next(text.Length);
                return (text[..cut], kind, $"cut at character {cut} of {text.Length}", null, null);
            case "brackets":
                string b = new[] { "[", "]", "{", "}", "[[", "{{{", "\"", "'", ": ", "- ", "&", "*", "!", "%", "@", "`" }[rng.Next(16)];
                int at = rng.Next(text.Length + 1);
                return (text[..at] + b + text[at..], kind, $"'{b}' inserted at character {at}", null, null);
            case "unicode":
                string u = Unicode[rng.Next(Unicode.Length)];
                int pos = rng.Next(text.Length + 1);
                return (text[..pos] + u + text[pos..], kind, $"U+{char.ConvertToUtf32(u, 0):X4} inserted at character {pos}", null, null);
            case "indent":
                lines[pick] = rng.Next(2) == 0 ? " " + lines[pick] : lines[pick].TrimStart();
                return (Join(lines), kind, $"line {pick + 1} re-indented", null, null);
            case "swap-values":
                int other = content.Count == 0 ? 0 : content[rng.Next(content.Count)];
                Match a = Value().Match(lines[pick]), c = Value().Match(lines[other]);
                if (!a.Success || !c.Success)
                {
                    goto case "duplicate-key";
                }

                (lines[pick], lines[other]) = (lines[pick][..a.Groups[1].Index] + c.Groups[1].Value, lines[other][..c.Groups[1].Index] + a.Groups[1].Value);
                return (Join(lines), kind, $"values of lines {pick + 1} and {other + 1} swapped", null, null);
            case "insert-key":
                string key = Keys[rng.Next(Keys.Length)];
                string val = rng.Next(2) == 0 ? EdgeNumbers[rng.Next(EdgeNumbers.Length)] : Vocabulary[rng.Next(Vocabulary.Length)];
                string indent = new(' ', lines[pick].Length - lines[pick].TrimStart().Length);
                lines = [.. lines.Take(pick + 1), $"{indent}{key}: {val}", .. lines.Skip(pick + 1)];
                return (Join(lines), kind, $"'{key}: {val}' inserted after line {pick + 1}", null, null);
            case "empty":
                string e = new[] { "", "\n", "   \n\n", "# only a comment\n", "---\n", "...\n", "~\n", "[]\n", "- a\n", "\ufeff" }[rng.Next(10)];
                return (e, kind, $"file replaced by {Show(e)}", null, null);
            default: // "double": two mutations
                var first = Mutate(text, rng);
                var second = Mutate(first.Text, rng);
                return (second.Text, $"{first.Kind}+{second.Kind}", $"{first.Description}; {second.Description}", second.NumberLine, second.NumberColumn);
        }
    }

    private static string Join(string[] lines) => string.Join('\n', lines);

    /// <summary>The line without its comment, so numbers in comments are not mutated (they would change nothing).</summary>
    private static string Code(string line)
    {
        int hash = line.IndexOf(" #", StringComparison.Ordinal);
        return hash < 0 ? line : line[..hash];
    }

    private static string Show(string s) => s.Length == 0 ? "(empty)" : "'" + s.Trim().Replace("\n", "\\n", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"(?<![A-Za-z_\-.0-9])-?[0-9]+(\.[0-9]+)?(?![0-9])")]
    private static partial Regex Number();

    [GeneratedRegex(@"^\s*(?:-\s+)?""?([A-Za-z_][A-Za-z0-9_\[\]\.]*)""?\s*:")]
    private static partial Regex KeyName();

    [GeneratedRegex(@"^\s*(?:-\s+)?[""A-Za-z_][A-Za-z0-9_\[\]\.""]*\s*:\s+(\S.*)$")]
    private static partial Regex Value();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9\-_]+")]
    private static partial Regex Word();
}
