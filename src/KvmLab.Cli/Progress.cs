using System.Diagnostics;

namespace KvmLab.Cli;

/// <summary>
/// Progress on standard error: a line redrawn in place on a terminal, or one line per finished
/// step when redirected (so logs stay readable). Never on standard output, which carries results.
/// </summary>
internal sealed class Progress(TextWriter err)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = ReferenceEquals(err, Console.Error) && !Console.IsErrorRedirected;
    private double _lastLine;

    /// <summary>When redirected, a line at most this often (seconds) besides the last one, so a log shows a long run advancing.</summary>
    private const double LogEvery = 10;

    public void Report(string label, int done, int total)
    {
        double elapsed = _clock.Elapsed.TotalSeconds;
        double eta = done == 0 ? 0 : elapsed / done * (total - done);
        string line = $"{label}: run {done}/{total}, {elapsed:0.0} s elapsed, ETA {eta:0} s";
        if (_interactive)
        {
            err.Write("\r" + line.PadRight(78));
        }
        else if (done == total || elapsed - _lastLine >= LogEvery)
        {
            _lastLine = elapsed;
            err.WriteLine(line);
        }
    }

    public void Done()
    {
        if (_interactive)
        {
            err.Write("\r" + new string(' ', 78) + "\r");
        }

        _clock.Restart();
        _lastLine = 0;
    }
}
