using System.Diagnostics;

namespace KvmLab.Cli.Tests.Slurm;

/// <summary>Runs a program to completion with a time limit, capturing its output (for the Slurm tests' daemons and clients).</summary>
internal static class Shell
{
    public sealed record Result(int Code, string Out, string Err)
    {
        public override string ToString() => $"exit {Code}\n{Out}\n{Err}";
    }

    public static Result Run(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new Result(-1, stdout.Result, stderr.Result + $"\n(killed after {timeoutSeconds} s)");
        }

        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The full path of a program on PATH (or in the sbin directories, which a non-root PATH may lack), or null.</summary>
    public static string? Find(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            string f = Path.Combine(dir, name);
            if (File.Exists(f))
            {
                return f;
            }
        }

        return null;
    }

    public static bool IsRoot => Environment.UserName == "root" || Run("id", ["-u"]).Out.Trim() == "0";
}
