using KvmLab.Engine.Time;

namespace KvmLab.Scenarios.Tests;

public class ValueTextTests
{
    [Theory]
    [InlineData("7", 7L)]
    [InlineData(" 1024 ", 1024L)]
    [InlineData("+3", 3L)]
    [InlineData("0", 0L)]
    public void Integer_InRange(string text, long expected)
    {
        Assert.Null(ValueText.Integer(text, 0, 1024, out long v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("4294967297", "4294967297 is out of range: it must be from 1 to 1024 (KVM_MAX_VCPUS)")]
    [InlineData("99999999999999999999", "99999999999999999999 is too large: it must be from 1 to 1024 (KVM_MAX_VCPUS)")]
    [InlineData("0", "0 is out of range: it must be from 1 to 1024 (KVM_MAX_VCPUS)")]
    [InlineData("-1", "-1 is out of range: it must be from 1 to 1024 (KVM_MAX_VCPUS)")]
    [InlineData("2.5", "'2.5' is not a whole number; it must be from 1 to 1024 (KVM_MAX_VCPUS)")]
    [InlineData("1e3", "'1e3' is not a whole number; it must be from 1 to 1024 (KVM_MAX_VCPUS)")]
    [InlineData("NaN", "'NaN' is not a whole number; it must be from 1 to 1024 (KVM_MAX_VCPUS)")]
    [InlineData("four", "'four' is not a whole number")]
    [InlineData("0x10", "'0x10' is not a whole number")]
    public void Integer_Refused_WithTheLimit(string text, string problem)
    {
        Assert.Equal(problem, ValueText.Integer(text, 1, 1024, out long v, "KVM_MAX_VCPUS"));
        Assert.Equal(0, v);
    }

    [Fact]
    public void Unsigned_TakesTheWholeRangeAndRefusesBeyond()
    {
        Assert.Null(ValueText.Unsigned("18446744073709551615", out ulong max));
        Assert.Equal(ulong.MaxValue, max);
        Assert.Contains("too large", ValueText.Unsigned("18446744073709551616", out _), StringComparison.Ordinal);
        Assert.Contains("not a whole number", ValueText.Unsigned("-1", out _), StringComparison.Ordinal);
    }

    [Fact]
    public void Span_BareNumber_SaysWhichUnitToWrite()
    {
        Assert.Equal("'5' needs a unit: write 5s or 5ms (or us, ns)", ValueText.Span("5", SimSpan.Zero, ScenarioLimits.MaxDuration, out _));
    }

    [Fact]
    public void Span_HonoursItsOwnBounds()
    {
        Assert.Contains("must be from 1ns to 1s", ValueText.Span("2s", new SimSpan(1), SimSpan.FromSeconds(1), out _), StringComparison.Ordinal);
        Assert.Null(ValueText.Span("1s", new SimSpan(1), SimSpan.FromSeconds(1), out SimSpan s));
        Assert.Equal(1_000_000_000, s.Ns);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(3_600_000_000_000L, "3600s")]
    [InlineData(50_000_000L, "50ms")]
    [InlineData(1500L, "1500ns")]
    [InlineData(2000L, "2us")]
    public void Format_UsesTheLargestExactUnit(long ns, string text)
    {
        Assert.Equal(text, ValueText.Format(new SimSpan(ns)));
    }
}
