using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace KvmLab.Plotting;

/// <summary>
/// Turns the references in a citation into links: URLs as they are, Message-Ids to
/// lore.kernel.org/kvm, and kernel commit ids (12 to 40 hex digits) to git.kernel.org.
/// </summary>
public static partial class CitationLinks
{
    public static IReadOnlyList<(int Start, int Length, string Url)> Find(string citation)
    {
        ArgumentNullException.ThrowIfNull(citation);
        var found = new List<(int Start, int Length, string Url)>();
        void Add(Match m, string url)
        {
            if (!found.Any(f => m.Index < f.Start + f.Length && f.Start < m.Index + m.Length))
            {
                found.Add((m.Index, m.Length, url));
            }
        }

        foreach (Match m in Url().Matches(citation))
        {
            Add(m, m.Value);
        }

        foreach (Match m in MessageId().Matches(citation))
        {
            Add(m, "https://lore.kernel.org/kvm/" + Uri.EscapeDataString(m.Groups["id"].Value) + "/");
        }

        foreach (Match m in Commit().Matches(citation))
        {
            if (m.Value.Any(char.IsLetter))
            {
                Add(m, "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=" + m.Value);
            }
        }

        return [.. found.OrderBy(f => f.Start)];
    }

    public static string Markdown(string citation) => Rewrite(citation, t => t.Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal),
        (text, url) => $"[{text.Replace("<", "", StringComparison.Ordinal).Replace(">", "", StringComparison.Ordinal)}]({url})");

    public static string Html(string citation) => Rewrite(citation, WebUtility.HtmlEncode,
        (text, url) => $"<a href=\"{WebUtility.HtmlEncode(url)}\">{WebUtility.HtmlEncode(text)}</a>");

    private static string Rewrite(string citation, Func<string, string> plain, Func<string, string, string> link)
    {
        var b = new StringBuilder();
        int at = 0;
        foreach (var (start, length, url) in Find(citation))
        {
            b.Append(plain(citation[at..start])).Append(link(citation.Substring(start, length), url));
            at = start + length;
        }

        return b.Append(plain(citation[at..])).ToString();
    }

    [GeneratedRegex(@"https?://[^\s,;()<>""]+[^\s,;()<>"".:]")]
    private static partial Regex Url();

    [GeneratedRegex(@"<?(?<id>[A-Za-z0-9][A-Za-z0-9._+\-]*@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})>?")]
    private static partial Regex MessageId();

    [GeneratedRegex(@"\b[0-9a-f]{12,40}\b")]
    private static partial Regex Commit();
}
