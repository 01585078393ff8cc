using System.Diagnostics;

namespace KvmLab.Cli.Tests;

/// <summary>
/// The repository's `./kvmlab` launcher, run in a copy of the tree's layout with a stand-in `dotnet`
/// first on PATH that logs its arguments and process id: it builds only when a source is newer
/// than the last build, and it execs (the launcher's process becomes the program, so kill -9 of
/// the launcher kills kvmlab).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // a bash script
public sealed class LauncherTests : IDisposable
{
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), $"kvmlab-launcher-{Guid.NewGuid():N}");

    public LauncherTests()
    {
        Directory.CreateDirectory(Path.Combine(_tmp, "src", "KvmLab.Cli"));
        Directory.CreateDirectory(Path.Combine(_tmp, "fakebin"));
        File.Copy(Path.Combine(RepoPaths.Root, "kvmlab"), Path.Combine(_tmp, "kvmlab"));
        File.WriteAllText(Path.Combine(_tmp, "src", "KvmLab.Cli", "Program.cs"), "// a source\n");
        foreach (string f in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
        {
            File.WriteAllText(Path.Combine(_tmp, f), "<Project />\n");
        }

        // The stand-in: 'dotnet build ...' makes the dll; 'dotnet <dll> args' prints its pid and args.
        string fake = Path.Combine(_tmp, "fakebin", "dotnet");
        File.WriteAllText(fake, """
            #!/bin/sh
            if [ "$1" = build ]; then
              echo "build" >> "$LAUNCHER_LOG"
              mkdir -p "$(dirname "$0")/../src/KvmLab.Cli/bin/Release/net10.0"
              touch "$(dirname "$0")/../src/KvmLab.Cli/bin/Release/net10.0/kvmlab.dll"
              exit 0
            fi
            echo "run $$ $*" >> "$LAUNCHER_LOG"
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(Path.Combine(_tmp, "kvmlab"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private string Log => Path.Combine(_tmp, "log");

    private (int Pid, int Code) Launch(params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(_tmp, "kvmlab")) { UseShellExecute = false, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PATH"] = Path.Combine(_tmp, "fakebin") + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["LAUNCHER_LOG"] = Log;
        using var p = Process.Start(psi)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.Id, p.ExitCode);
    }

    [Fact]
    public void BuildsOnceThenExecsTheBuiltProgram()
    {
        (int pid, int code) = Launch("--version");
        Assert.Equal(0, code);
        string dll = Path.Combine(_tmp, "src", "KvmLab.Cli", "bin", "Release", "net10.0", "kvmlab.dll");
        // exec: the program runs in the launcher's own process, with the arguments untouched.
        Assert.Equal(["build", $"run {pid} {dll} --version"], File.ReadAllLines(Log));

        Launch("list", "a b");
        Assert.Equal(3, File.ReadAllLines(Log).Length); // built already: no second build
        Assert.EndsWith($"{dll} list a b", File.ReadAllLines(Log)[2], StringComparison.Ordinal);

        // A source newer than the last build: one build, then the program.
        string source = Path.Combine(_tmp, "src", "KvmLab.Cli", "Program.cs");
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddSeconds(5));
        Launch("--version");
        Assert.Equal("build", File.ReadAllLines(Log)[3]);
        Assert.Equal(5, File.ReadAllLines(Log).Length);
    }

    [Fact]
    public void OutputsAreNotSources()
    {
        Launch("--version");
        // A file written under bin/ or obj/ after the build (the sweep's outputs, test results) does not trigger a build.
        string obj = Path.Combine(_tmp, "src", "KvmLab.Cli", "obj", "x.json");
        Directory.CreateDirectory(Path.GetDirectoryName(obj)!);
        File.WriteAllText(obj, "{}");
        File.SetLastWriteTimeUtc(obj, DateTime.UtcNow.AddSeconds(5));
        Launch("--version");
        Assert.Single(File.ReadAllLines(Log), l => l == "build");
    }
}
