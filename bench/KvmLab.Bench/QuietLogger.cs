using BenchmarkDotNet.Loggers;

namespace KvmLab.Bench;

/// <summary>BenchmarkDotNet's log without the per-iteration lines: errors and hints only (the summary table is printed after).</summary>
internal sealed class QuietLogger : ILogger
{
    public string Id => "kvmlab-quiet";

    public int Priority => 0;

    public void Write(LogKind logKind, string text)
    {
        if (logKind is LogKind.Error or LogKind.Hint)
        {
            Console.Error.Write(text);
        }
    }

    public void WriteLine() { }

    public void WriteLine(LogKind logKind, string text)
    {
        if (logKind is LogKind.Error or LogKind.Hint)
        {
            Console.Error.WriteLine(text);
        }
    }

    public void Flush() => Console.Error.Flush();
}
