using System.Diagnostics;
using System.Globalization;
using KvmLab.Engine.Time;

namespace KvmLab.Cli;

/// <summary>
/// A run's progress on standard error, as <see cref="Progress"/> does for `reproduce`: simulated
/// time reached, wall time and an ETA, redrawn in place on a terminal at most four times a second.
/// Redirected (a log), it stays quiet for runs under five seconds and then writes one line per
/// tenth of the run, so a long run is visibly alive and a short one prints nothing extra.
/// </summary>
internal sealed class RunProgress(TextWriter err, string label)
{
    private static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(5);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = ReferenceEquals(err, Console.Error) && !Console.IsErrorRedirected;
    private TimeSpan _lastDraw = TimeSpan.MinValue;
    private int _lastDecile;
    private bool _drawn;

    public void Report(SimTime now, SimTime end)
    {
        TimeSpan elapsed = _clock.Elapsed;
        double share = end.Ns <= 0 ? 1 : Math.Clamp(now.Ns / (double)end.Ns, 0, 1);
        if (_interactive)
        {
            if (elapsed - _lastDraw < TimeSpan.FromMilliseconds(250))
            {
                return;
            }

            _lastDraw = elapsed;
            _drawn = true;
            err.Write("\r" + Line(now, end, share, elapsed).PadRight(78));
            return;
        }

        int decile = (int)(share * 10);
        if (elapsed >= QuietFor && decile > _lastDecile)
        {
            _lastDecile = decile;
            err.WriteLine(Line(now, end, share, elapsed));
        }
    }

    public void Done()
    {
        if (_interactive && _drawn)
        {
            err.Write("\r" + new string(' ', 78) + "\r");
        }
    }

    private string Line(SimTime now, SimTime end, double share, TimeSpan elapsed)
    {
        double eta = share > 0 ? elapsed.TotalSeconds * (1 - share) / share : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{label}: {now.Ns / 1e6:0.0}/{end.Ns / 1e6:0.0} ms simulated ({share * 100:0}%), {elapsed.TotalSeconds:0.0} s elapsed, ETA {Eta(eta)}");
    }

    private static string Eta(double seconds) =>
        seconds >= 3600 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.0} h")
        : seconds >= 120 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s");
}
