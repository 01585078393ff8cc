using System.Globalization;

namespace KvmLab.Engine.Time;

/// <summary>
/// An instant of simulated time: a whole number of nanoseconds since the start of the run.
/// A typed integer rather than a <see cref="DateTime"/>: 100 ns ticks are too coarse for a
/// 400-cycle IPI (STYLE.md, "From SimSharp").
/// </summary>
public readonly record struct SimTime(long Ns) : IComparable<SimTime>
{
    public static readonly SimTime Zero = new(0);
    public static readonly SimTime MaxValue = new(long.MaxValue);

    public double Microseconds => Ns / 1_000.0;
    public double Seconds => Ns / 1_000_000_000.0;

    public static SimTime FromSeconds(double s) => new(checked((long)Math.Round(s * 1e9)));

    public int CompareTo(SimTime other) => Ns.CompareTo(other.Ns);

    public static SimTime operator +(SimTime t, SimSpan d) => new(t.Ns + d.Ns);
    public static SimTime operator -(SimTime t, SimSpan d) => new(t.Ns - d.Ns);
    public static SimSpan operator -(SimTime a, SimTime b) => new(a.Ns - b.Ns);
    public static bool operator <(SimTime a, SimTime b) => a.Ns < b.Ns;
    public static bool operator >(SimTime a, SimTime b) => a.Ns > b.Ns;
    public static bool operator <=(SimTime a, SimTime b) => a.Ns <= b.Ns;
    public static bool operator >=(SimTime a, SimTime b) => a.Ns >= b.Ns;
    public static SimTime Max(SimTime a, SimTime b) => a.Ns >= b.Ns ? a : b;
    public static SimTime Min(SimTime a, SimTime b) => a.Ns <= b.Ns ? a : b;

    public override string ToString() => Ns.ToString(CultureInfo.InvariantCulture) + " ns";
}
