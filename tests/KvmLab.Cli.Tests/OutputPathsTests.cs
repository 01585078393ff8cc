namespace KvmLab.Cli.Tests;

public sealed class OutputPathsTests : IDisposable
{
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-paths-{Guid.NewGuid():N}");

    public OutputPathsTests() => Directory.CreateDirectory(_tmp);

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    [Fact]
    public void File_NewOrExisting_OrUnderMissingDirectories_IsFine()
    {
        string existing = Path.Combine(_tmp, "a.json");
        File.WriteAllText(existing, "x");
        Assert.Null(OutputPaths.FileProblem(existing, "--out"));
        Assert.Null(OutputPaths.FileProblem(Path.Combine(_tmp, "new.json"), "--out"));
        Assert.Null(OutputPaths.FileProblem(Path.Combine(_tmp, "x", "y", "z.json"), "--out"));
        Assert.Empty(Directory.GetFiles(_tmp, ".kvmlab-write-check*"));
    }

    [Fact]
    public void File_ThatIsADirectory_OrUnderAFile_OrInvalid_IsAProblem()
    {
        string file = Path.Combine(_tmp, "f");
        File.WriteAllText(file, "x");
        Assert.Contains("is a directory", OutputPaths.FileProblem(_tmp, "--trace"), StringComparison.Ordinal);
        Assert.Contains("is a file, not a directory", OutputPaths.FileProblem(Path.Combine(file, "t.json"), "--trace"), StringComparison.Ordinal);
        Assert.Contains("not a valid path", OutputPaths.FileProblem("bad\0name", "--trace"), StringComparison.Ordinal);
        Assert.Contains("not a valid path", OutputPaths.FileProblem("", "--trace"), StringComparison.Ordinal);
    }

    [Fact]
    public void Directory_ThatIsAFile_IsAProblem_ANewOneIsFine()
    {
        string file = Path.Combine(_tmp, "f");
        File.WriteAllText(file, "x");
        Assert.Contains("is an existing file", OutputPaths.DirectoryProblem(file, "--report"), StringComparison.Ordinal);
        Assert.Null(OutputPaths.DirectoryProblem(Path.Combine(_tmp, "new", "dir"), "--report"));
        Assert.Null(OutputPaths.DirectoryProblem(_tmp, "--report"));
    }

    [Theory]
    [InlineData("/dev/null")]
    [InlineData("/dev/stdout")]
    public void Devices_AreRefused_NotReplacedByTheRename(string device)
    {
        Assert.Contains("is a device or kernel file", OutputPaths.FileProblem(device, "--trace"), StringComparison.Ordinal);
    }

    [Fact]
    public void UnwritableDirectory_IsAProblem()
    {
        // /proc accepts no new files, even for root.
        Assert.Contains("cannot create files in '/proc'", OutputPaths.FileProblem("/proc/kvmlab-test.json", "--out"), StringComparison.Ordinal);
    }
}
