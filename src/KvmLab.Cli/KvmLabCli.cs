using System.CommandLine;
using KvmLab.Scenarios;

namespace KvmLab.Cli;

/// <summary>The `kvmlab` command line: composition only; the work is in the libraries.</summary>
public static class KvmLabCli
{
    /// <param name="cancel">Stops a `run` or `sweep` in progress as Ctrl-C does (for hosts that embed the CLI, such as the tests' fuzzer).</param>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = new RootCommand("kvmlab: simulate KVM virtualization latency and reproduce published results from mechanisms")
        {
            ListCommand.Create(stdout),
            RunCommand.Create(stdout, stderr, cancel),
            ReproduceCommand.Create(stdout, stderr),
            CompareCommand.Create(stdout, stderr),
            ProbeCommand.Create(stdout, stderr),
            CalibrateCommand.Create(stdout, stderr),
            ValidateCommand.Create(stdout, stderr),
            SensitivityCommand.Create(stdout, stderr),
            FitCommand.Create(stdout, stderr),
            SweepCommand.Create(stdout, stderr, cancel),
            MergeCommand.Create(stdout, stderr),
            PlotCommand.Create(stdout, stderr),
        };

        // `kvmlab` alone shows the help and exits 0, as kubectl and docker do: asking what a
        // tool does is not an error.
        ParseResult parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parsed.Errors.Count > 0)
        {
            // One line, as for every other error: the first problem, how many more, where help is.
            string more = parsed.Errors.Count > 1 ? $" (and {parsed.Errors.Count - 1} more)" : "";
            string command = parsed.CommandResult.Command is RootCommand ? "kvmlab" : $"kvmlab {parsed.CommandResult.Command.Name}";
            stderr.WriteLine($"kvmlab: {ParseErrors.Friendly(parsed.Errors[0].Message).TrimEnd('.')}{more}; try '{command} --help'");
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
