using System.CommandLine;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

/// <summary>The `kvmlab` command line: composition only; the work is in the libraries.</summary>
public static class KvmLabCli
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = new RootCommand("kvmlab: simulate KVM virtualization latency and reproduce published results from mechanisms")
        {
            ListCommand.Create(stdout),
            RunCommand.Create(stdout, stderr),
            ReproduceCommand.Create(stdout, stderr),
            ProbeCommand.Create(stdout, stderr),
            CalibrateCommand.Create(stdout, stderr),
            ValidateCommand.Create(stdout, stderr),
            SweepCommand.Create(stdout, stderr),
            MergeCommand.Create(stdout, stderr),
            PlotCommand.Create(stdout, stderr),
        };

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                stderr.WriteLine($"kvmlab: {e.Message}");
            }

            stderr.WriteLine("Try 'kvmlab --help'.");
            return ExitCodes.Usage;
        }

        try
        {
            // The default handler would catch everything and print a stack trace; user errors below
            // get one line, and anything else is a bug that should crash with its trace.
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (ScenarioException e)
        {
            stderr.WriteLine($"kvmlab: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (KvmLab.Engine.Invariants.InvariantViolationException e)
        {
            // A model bug found by the physics checks: the numbers past it would not be results.
            stderr.WriteLine($"kvmlab: model error, run stopped: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (InvalidDataException e)
        {
            stderr.WriteLine($"kvmlab: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (KvmLab.RealKvm.KvmException e)
        {
            stderr.WriteLine($"kvmlab: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"kvmlab: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"kvmlab: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
