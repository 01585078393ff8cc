namespace KvmLab.Plotting.Tests;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"kvmlab-report-tests-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_ProducesMarkdownHtmlAndChartFiles()
    {
        var (md, html) = ReportWriter.Write(_dir, [ExperimentChartsTests.Pair, ExperimentChartsTests.Ladder], 20201209, "0.1.0");
        string m = File.ReadAllText(md);
        string h = File.ReadAllText(html);

        // The table, the verdict and the citation with its links.
        Assert.Contains("ipi-fastpath-unittest: ", m, StringComparison.Ordinal);
        Assert.Contains("```text", m, StringComparison.Ordinal);
        Assert.Contains("](https://lore.kernel.org/kvm/1586480607-5408-1-git-send-email-wanpengli%40tencent.com/)", m, StringComparison.Ordinal);
        Assert.Contains("](https://www.youtube.com/watch?v=y-MAQL9AOnc)", m, StringComparison.Ordinal);

        // Every image the Markdown names is beside it, as SVG and PNG.
        foreach (string name in new[] { "ipi-fastpath-unittest.change", "ipi-fastpath-unittest.values", "ipi-fastpath-unittest.exits", "nvme-qd1-ladder", "nvme-qd1-ladder.breakdown" })
        {
            Assert.Contains($"]({name}.svg)", m, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_dir, name + ".svg")));
            Assert.True(File.Exists(Path.Combine(_dir, name + ".png")));
        }

        // The HTML is self-contained: charts inline, nothing loaded from elsewhere.
        Assert.Equal(5, h.Split("<svg").Length - 1);
        Assert.DoesNotContain("src=", h, StringComparison.Ordinal);
        Assert.DoesNotContain("<?xml", h, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://git.kernel.org/", File.ReadAllText(html), StringComparison.Ordinal);
    }
}
