using System.Globalization;
using System.Net;
using System.Text;
using KvmLab.Experiments;
using KvmLab.Reporting;

namespace KvmLab.Plotting;

/// <summary>
/// Writes DIR/report.md and DIR/report.html for reproduced experiments: a summary, then per
/// experiment its citation (linked), its table (the same text as the terminal), and its charts.
/// The charts are also written beside the report as SVG and PNG; the Markdown links to those
/// files, the HTML carries the SVGs inline, so report.html alone is the whole report.
/// </summary>
public static class ReportWriter
{
    public static (string Markdown, string Html) Write(string dir, IReadOnlyList<ExperimentResult> experiments, ulong seed, string version)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        Directory.CreateDirectory(dir);
        var sections = new List<Section>();
        foreach (ExperimentResult x in experiments)
        {
            Experiment e = x.Experiment;
            string verdict = !x.Comparable ? "not judged (setup differs)" : x.Outcome.Words();
            string figure = e.JudgedPerVariant
                ? $"{x.VariantsWithinTolerance}/{x.Variants.Count} configurations within +-{e.Tolerance.ToString("0.#", CultureInfo.InvariantCulture)}%; {(x.OrderReproduced ? "same order" : "order differs")}"
                : $"{Pct(x.ModelChangePercent)} (published {Pct(e.PublishedChangePercent ?? double.NaN)})";
            sections.Add(new Section(e.Id, e.Title, e.Citation, verdict, figure, ExperimentReport.Table(x), ExperimentCharts.For(x)));
        }

        foreach (ChartImage c in sections.SelectMany(s => s.Charts))
        {
            c.WriteTo(dir);
        }

        string md = Path.Combine(dir, "report.md");
        string html = Path.Combine(dir, "report.html");
        string header = $"seed {seed}, kvmlab {version}; {sections.Count(s => s.Verdict == "reproduced")} of {sections.Count} experiment(s) reproduced";
        File.WriteAllText(md, Markdown(sections, header), new UTF8Encoding(false));
        File.WriteAllText(html, Html(sections, header), new UTF8Encoding(false));
        return (md, html);
    }

    private static string Markdown(List<Section> sections, string header)
    {
        var b = new StringBuilder();
        b.Append("# KvmLab: model versus published results\n\n").Append(header).Append("\n\n");
        b.Append("| experiment | model (change, or configurations) | verdict |\n|---|---|---|\n");
        foreach (Section s in sections)
        {
            b.Append(CultureInfo.InvariantCulture, $"| [{s.Id}](#{s.Id}) | {s.Figure} | {s.Verdict} |\n");
        }

        foreach (Section s in sections)
        {
            b.Append(CultureInfo.InvariantCulture, $"\n<a id=\"{s.Id}\"></a>\n## {s.Id}: {s.Title}\n\n");
            b.Append(CultureInfo.InvariantCulture, $"**{s.Verdict}**: {s.Figure}. Source: {CitationLinks.Markdown(s.Citation)}\n\n");
            b.Append("```text\n").Append(s.Table.TrimEnd()).Append("\n```\n\n");
            foreach (ChartImage c in s.Charts)
            {
                b.Append(CultureInfo.InvariantCulture, $"![{c.Caption}]({c.Name}.svg)\n\n*{c.Caption}* ([PNG]({c.Name}.png))\n\n");
            }
        }

        return b.ToString();
    }

    private static string Html(List<Section> sections, string header)
    {
        static string H(string s) => WebUtility.HtmlEncode(s);
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>KvmLab: model versus published results</title>\n");
        b.Append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}pre{background:#f6f8fa;padding:1em;overflow-x:auto;font-size:12px}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}figure{margin:1em 0}figcaption{font-style:italic;color:#444}"
            + ".no{color:#b00}.yes{color:#070}</style></head><body>\n");
        b.Append("<h1>KvmLab: model versus published results</h1>\n<p>").Append(H(header)).Append("</p>\n");
        b.Append("<table><tr><th>experiment</th><th>model (change, or configurations)</th><th>verdict</th></tr>\n");
        foreach (Section s in sections)
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"#{H(s.Id)}\">{H(s.Id)}</a></td><td>{H(s.Figure)}</td><td class=\"{Css(s)}\">{H(s.Verdict)}</td></tr>\n");
        }

        b.Append("</table>\n");
        foreach (Section s in sections)
        {
            b.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{H(s.Id)}\">{H(s.Id)}: {H(s.Title)}</h2>\n");
            b.Append(CultureInfo.InvariantCulture, $"<p><strong class=\"{Css(s)}\">{H(s.Verdict)}</strong>: {H(s.Figure)}. Source: {CitationLinks.Html(s.Citation)}</p>\n");
            b.Append("<pre>").Append(H(s.Table.TrimEnd())).Append("</pre>\n");
            foreach (ChartImage c in s.Charts)
            {
                string svg = c.Svg[(c.Svg.IndexOf("<svg", StringComparison.Ordinal) is int i and >= 0 ? i : 0)..];
                b.Append("<figure>").Append(svg).Append("<figcaption>").Append(H(c.Caption)).Append("</figcaption></figure>\n");
            }
        }

        b.Append("</body></html>\n");
        return b.ToString();
    }

    private static string Css(Section s) => s.Verdict == "reproduced" ? "yes" : s.Verdict.StartsWith("NOT", StringComparison.Ordinal) ? "no" : "";

    private static string Pct(double v) => double.IsFinite(v) ? v.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private sealed record Section(string Id, string Title, string Citation, string Verdict, string Figure, string Table, IReadOnlyList<ChartImage> Charts);
}
