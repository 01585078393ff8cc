using System.Globalization;

namespace KvmLab.Engine.Time;

/// <summary>A length of simulated time in whole nanoseconds.</summary>
public readonly record struct SimSpan(long Ns) : IComparable<SimSpan>
{
    public static readonly SimSpan Zero = new(0);

    public double Microseconds => Ns / 1_000.0;
    public double Seconds => Ns / 1_000_000_000.0;

    public static SimSpan FromNanoseconds(double ns) => new(checked((long)Math.Round(ns)));
    public static SimSpan FromMicroseconds(double us) => new(checked((long)Math.Round(us * 1_000.0)));
    public static SimSpan FromMilliseconds(double ms) => new(checked((long)Math.Round(ms * 1_000_000.0)));
    public static SimSpan FromSeconds(double s) => new(checked((long)Math.Round(s * 1e9)));

    public int CompareTo(SimSpan other) => Ns.CompareTo(other.Ns);

    public static SimSpan operator +(SimSpan a, SimSpan b) => new(a.Ns + b.Ns);
    public static SimSpan operator -(SimSpan a, SimSpan b) => new(a.Ns - b.Ns);
    public static SimSpan operator *(SimSpan a, long k) => new(a.Ns * k);
    public static bool operator <(SimSpan a, SimSpan b) => a.Ns < b.Ns;
    public static bool operator >(SimSpan a, SimSpan b) => a.Ns > b.Ns;
    public static bool operator <=(SimSpan a, SimSpan b) => a.Ns <= b.Ns;
    public static bool operator >=(SimSpan a, SimSpan b) => a.Ns >= b.Ns;
    public static SimSpan Max(SimSpan a, SimSpan b) => a.Ns >= b.Ns ? a : b;
    public static SimSpan Min(SimSpan a, SimSpan b) => a.Ns <= b.Ns ? a : b;

    public override string ToString() => Ns.ToString(CultureInfo.InvariantCulture) + " ns";
}
