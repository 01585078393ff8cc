using System.Text.RegularExpressions;

namespace KvmLab.Cli;

/// <summary>
/// System.CommandLine words a bad option value with the .NET type it expected
/// ("as expected type 'System.Nullable`1[System.UInt64]'"); users see what to write instead.
/// Messages that list choices on several lines are joined into one.
/// </summary>
internal static partial class ParseErrors
{
    public static string Friendly(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string oneLine = string.Join(", ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace(":,", ":", StringComparison.Ordinal);
        return ExpectedType().Replace(oneLine, m => "; expected " + Describe(m.Groups[1].Value));
    }

    private static string Describe(string type)
    {
        string t = type.Replace("System.Nullable`1[", "", StringComparison.Ordinal).Trim('[', ']');
        t = t.Split(',')[0].Trim('[', ']');
        return t switch
        {
            "System.UInt64" => $"a whole number from 0 to {ulong.MaxValue}",
            "System.Int64" => "a whole number",
            "System.Int32" => "a whole number",
            "System.UInt32" => $"a whole number from 0 to {uint.MaxValue}",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            _ => "a value of another form (see --help)",
        };
    }

    [GeneratedRegex(@"\s+as expected type '([^']*)'")]
    private static partial Regex ExpectedType();
}
