namespace KvmLab.Scenarios;

/// <summary>A user error in a scenario: the message names the file, the line and the key.</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(string file, int line, string key, string problem)
        : base($"{file}:{line}: {key}: {problem}")
    {
        File = file;
        Line = line;
        Key = key;
    }

    public ScenarioException()
    {
        File = "";
        Key = "";
    }

    public ScenarioException(string message)
        : base(message)
    {
        File = "";
        Key = "";
    }

    public ScenarioException(string message, Exception inner)
        : base(message, inner)
    {
        File = "";
        Key = "";
    }

    public string File { get; }

    public int Line { get; }

    public string Key { get; }
}
