namespace KvmLab.Scenarios.Tests;

/// <summary>Every malformed YAML is one ScenarioException with the file, a line and the key "yaml", never another exception.</summary>
public class SafeYamlTests
{
    private static ScenarioException Fails(string text) => Assert.Throws<ScenarioException>(() => SafeYaml.Load(text, "f.yaml"));

    [Fact]
    public void UnclosedFlowSequenceAtTheEnd_IsAScenarioErrorNotInvalidOperation()
    {
        // YamlDotNet 18 throws InvalidOperationException from its scanner on exactly this input.
        var e = Fails("name: [unclosed\nduration: 1ms\n");
        Assert.Equal("yaml", e.Key);
        Assert.Equal(2, e.Line);
        Assert.Contains("unclosed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepFlowNesting_IsRefusedBeforeTheStackOverflows()
    {
        // 50,000 nested '[' overflowed the stack of the node builder, which no handler can catch.
        var e = Fails("name: " + new string('[', 50_000));
        Assert.Contains($"nested more than {ScenarioLimits.MaxYamlDepth} levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_AreRefusedWithTheirLine()
    {
        var e = Fails("a: &x [1, 2]\nb: *x\n");
        Assert.Equal(2, e.Line);
        Assert.Contains("aliases ('*x')", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKey_NamesTheLine()
    {
        var e = Fails("name: a\nseed: 1\nname: b\n");
        Assert.Equal(3, e.Line);
        Assert.Contains("Duplicate key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileOverAMegabyte_IsRefused()
    {
        var e = Fails("name: " + new string('x', ScenarioLimits.MaxFileBytes));
        Assert.Equal(1, e.Line);
        Assert.Contains("at most 1048576", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile_IsNoDocument()
    {
        Assert.Null(SafeYaml.Load("", "f.yaml"));
        Assert.Null(SafeYaml.Load("# only a comment\n", "f.yaml"));
    }

    [Fact]
    public void ShallowNesting_Loads()
    {
        string nested = "a: " + new string('[', ScenarioLimits.MaxYamlDepth - 1) + new string(']', ScenarioLimits.MaxYamlDepth - 1);
        Assert.NotNull(SafeYaml.Load(nested, "f.yaml"));
    }
}
