using System.Diagnostics;
using System.Globalization;

namespace KvmLab.Cli;

/// <summary>
/// A sweep's progress bar and ETA on standard error: redrawn in place on a terminal; when
/// redirected (a cluster job's log), one line per tenth of the points so logs stay short.
/// The rate and ETA count only points run by this invocation, not ones resumed from the journal.
/// </summary>
internal sealed class SweepProgress(TextWriter err, string label)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = ReferenceEquals(err, Console.Error) && !Console.IsErrorRedirected;
    private int _lastDecile = -1;

    public void Report(int done, int total)
    {
        double elapsed = _clock.Elapsed.TotalSeconds;
        double rate = elapsed > 0 ? done / elapsed : 0;
        double eta = rate > 0 ? (total - done) / rate : 0;
        const int Width = 24;
        int filled = total == 0 ? Width : done * Width / total;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{label} [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} points, {rate:0.0} points/s, ETA {Eta(eta)}");
        if (_interactive)
        {
            err.Write("\r" + line.PadRight(100));
            return;
        }

        int decile = total == 0 ? 10 : done * 10 / total;
        if (decile != _lastDecile)
        {
            _lastDecile = decile;
            err.WriteLine(line);
        }
    }

    /// <summary>A line that must not land in the middle of the progress bar (a signal's notice); safe from any thread.</summary>
    public void Interrupt(string line)
    {
        lock (err)
        {
            err.WriteLine(_interactive ? "\r" + new string(' ', 100) + "\r" + line : line);
        }
    }

    public void Done()
    {
        if (_interactive)
        {
            err.Write("\r" + new string(' ', 100) + "\r");
        }
    }

    private static string Eta(double seconds) =>
        seconds >= 3600 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.0} h")
        : seconds >= 120 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s");
}
