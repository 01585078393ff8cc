using System.Globalization;
using System.Text.RegularExpressions;
using KvmLab.Engine.Time;

namespace KvmLab.Scenarios;

/// <summary>
/// Reads the numbers of scenario and sweep files strictly: whole numbers inside stated bounds
/// (an overflow is an error, never a truncation), durations with a unit, finite and within
/// bounds, in whole nanoseconds. Each method returns null or the problem, worded for a user and
/// naming the limit; the caller adds file, line and key.
/// </summary>
public static partial class ValueText
{
    private static readonly (string Suffix, decimal Scale)[] Units = [("ns", 1m), ("us", 1_000m), ("ms", 1_000_000m), ("s", 1_000_000_000m)];

    /// <param name="why">Appended to a range error in parentheses (what the bound is), or null.</param>
    public static string? Integer(string text, long min, long max, out long value, string? why = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = 0;
        string t = text.Trim();
        string range = Range(min, max) + (why is null ? "" : $" ({why})");
        if (!Digits().IsMatch(t))
        {
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"'{text}' is not a whole number; it {range}"
                : $"'{text}' is not a whole number";
        }

        if (!long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
        {
            return $"{t} is too large: it {range}";
        }

        if (v < min || v > max)
        {
            return $"{v} is out of range: it {range}";
        }

        value = v;
        return null;
    }

    /// <summary>An unsigned 64-bit number (seeds).</summary>
    public static string? Unsigned(string text, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = 0;
        string t = text.Trim();
        if (!Digits().IsMatch(t) || t.StartsWith('-'))
        {
            return $"'{text}' is not a whole number from 0 to {ulong.MaxValue}";
        }

        return ulong.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
            ? null
            : $"{t} is too large: it must be from 0 to {ulong.MaxValue}";
    }

    /// <summary>
    /// A duration such as 50ms, 200us, 1.5s or 300ns, between <paramref name="min"/> and
    /// <paramref name="max"/>. A bare number is refused (is 5 seconds or milliseconds?) except 0.
    /// </summary>
    public static string? Span(string text, SimSpan min, SimSpan max, out SimSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = SimSpan.Zero;
        string t = text.Trim();
        string number = t;
        decimal scale = 0;
        foreach (var (suffix, s) in Units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                number = t[..^suffix.Length];
                scale = s;
                break;
            }
        }

        if (number.Trim().Length == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            return $"'{text}' is not a duration (for example 50ms, 200us, 1.5s)";
        }

        if (!double.IsFinite(v))
        {
            return $"'{text}' is not a finite duration; it must be from {Format(min)} to {Format(max)}";
        }

        if (scale == 0)
        {
            if (v != 0)
            {
                return $"'{text}' needs a unit: write {number.Trim()}s or {number.Trim()}ms (or us, ns)";
            }

            scale = 1;
        }

        // Range first, in floating point, so nothing below can overflow.
        double ns = v * (double)scale;
        if (ns < min.Ns || ns > max.Ns)
        {
            return $"{t} is out of range: it must be from {Format(min)} to {Format(max)}";
        }

        if (!decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d))
        {
            d = 0; // a tiny value such as 1e-400 that decimal cannot hold: it rounds to 0 ns below
        }

        decimal exact = d * scale;
        if (exact != decimal.Truncate(exact))
        {
            return $"{t} is not a whole number of nanoseconds (the model's resolution)";
        }

        value = new SimSpan((long)exact);
        return null;
    }

    /// <summary>A span in the largest unit that shows it exactly: 3600s, 50ms, 1500ns.</summary>
    public static string Format(SimSpan s)
    {
        foreach (var (suffix, scale) in Units.Reverse())
        {
            if (s.Ns % (long)scale == 0 && (s.Ns != 0 || suffix == "s"))
            {
                return (s.Ns / (long)scale).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return s.Ns.ToString(CultureInfo.InvariantCulture) + "ns";
    }

    private static string Range(long min, long max) =>
        max == long.MaxValue ? $"must be at least {min}" : $"must be from {min} to {max}";

    [GeneratedRegex(@"^[+-]?[0-9]+$")]
    private static partial Regex Digits();
}
