namespace KvmLab.Cli.Tests;

public class ParseErrorsTests
{
    [Theory]
    [InlineData("Cannot parse argument 'x' for option '--seed' as expected type 'System.Nullable`1[System.UInt64]'.", "Cannot parse argument 'x' for option '--seed'; expected a whole number from 0 to 18446744073709551615.")]
    [InlineData("Cannot parse argument 'x' for option '--jobs' as expected type 'System.Nullable`1[System.Int32]'.", "Cannot parse argument 'x' for option '--jobs'; expected a whole number.")]
    [InlineData("Cannot parse argument 'x' for option '--samples' as expected type 'System.Int32'.", "Cannot parse argument 'x' for option '--samples'; expected a whole number.")]
    [InlineData("Argument 'nope' not recognized. Must be one of:\n\t'a'\n\t'b'", "Argument 'nope' not recognized. Must be one of: 'a', 'b'")]
    [InlineData("Unrecognized command or argument '--x'.", "Unrecognized command or argument '--x'.")]
    public void Friendly(string message, string expected)
    {
        Assert.Equal(expected, ParseErrors.Friendly(message));
    }
}
