namespace KvmLab.Plotting.Tests;

public sealed class CitationLinksTests
{
    [Fact]
    public void Url_IsLinkedAsIsWithoutTrailingPunctuation()
    {
        var links = CitationLinks.Find("KVM Forum 2020, https://www.youtube.com/watch?v=y-MAQL9AOnc: 78k IOPS");
        Assert.Equal("https://www.youtube.com/watch?v=y-MAQL9AOnc", Assert.Single(links).Url);
    }

    [Fact]
    public void MessageId_LinksToLore()
    {
        var links = CitationLinks.Find("the RFC <20210205100317.24174-1-fengzhimin@bytedance.com> reports +25%");
        Assert.Equal("https://lore.kernel.org/kvm/20210205100317.24174-1-fengzhimin%40bytedance.com/", Assert.Single(links).Url);
    }

    [Fact]
    public void CommitId_LinksToGitKernelOrgButDigitsAloneDoNot()
    {
        var links = CitationLinks.Find("Message-Id 1586480607-5408-1-git-send-email-wanpengli@tencent.com (a9ab13ff6e84), 20201209123456");
        Assert.Equal(2, links.Count);
        Assert.StartsWith("https://lore.kernel.org/kvm/1586480607-5408-1", links[0].Url, StringComparison.Ordinal);
        Assert.Equal("https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=a9ab13ff6e84", links[1].Url);
    }

    [Fact]
    public void Markdown_AndHtml_KeepTheTextAroundTheLinks()
    {
        const string c = "commit 26efe2fd92e5 \"KVM: VMX: Handle preemption timer fastpath\": 5540.5ns -> 4602ns";
        Assert.Equal("commit [26efe2fd92e5](https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=26efe2fd92e5) \"KVM: VMX: Handle preemption timer fastpath\": 5540.5ns -> 4602ns",
            CitationLinks.Markdown(c));
        Assert.Contains("<a href=\"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=26efe2fd92e5\">26efe2fd92e5</a> &quot;KVM", CitationLinks.Html(c), StringComparison.Ordinal);
        Assert.Contains("-&gt; 4602ns", CitationLinks.Html(c), StringComparison.Ordinal);
    }

    [Fact]
    public void PlainCitation_HasNoLinks()
    {
        Assert.Empty(CitationLinks.Find("Li 2020 KVM Forum talk (seed kvm-latency-tuning-wanpeng-li.md)"));
    }
}
