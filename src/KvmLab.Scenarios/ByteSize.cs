using System.Globalization;
using System.Text.RegularExpressions;

namespace KvmLab.Scenarios;

/// <summary>Sizes as users write them (512M, 8G, 1.5GiB, 1048576) and as they are shown (1.5 GiB). Units are powers of 1024, as free(1) and ulimit use.</summary>
public static partial class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    /// <summary>Null and the size, or the problem.</summary>
    public static string? TryParse(string text, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        Match m = Syntax().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            return $"'{text}' is not a size (for example 512M, 8G or 1.5GiB)";
        }

        int power = m.Groups[2].Value.Length == 0 ? 0 : "KMGTPE".IndexOf(char.ToUpperInvariant(m.Groups[2].Value[0]), StringComparison.Ordinal) + 1;
        double b = v * Math.Pow(1024, power);
        if (!double.IsFinite(b) || b < 1 || b > long.MaxValue / 2.0)
        {
            return $"'{text}' is out of range: a size must be from 1 byte to 4 EiB";
        }

        bytes = (long)b;
        return null;
    }

    public static string Format(double bytes)
    {
        int u = 0;
        while (bytes >= 1024 && u < Units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }

        return (u == 0 ? bytes.ToString("0", CultureInfo.InvariantCulture) : bytes.ToString(bytes >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture)) + " " + Units[u];
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([KMGTPE](?:i?B)?|B)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Syntax();
}
