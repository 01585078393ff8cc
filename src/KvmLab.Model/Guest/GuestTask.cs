namespace KvmLab.Model.Guest;

/// <summary>A guest thread whose program is a sequence of <see cref="GuestOp"/>s, bound to one vCPU.</summary>
public sealed class GuestTask(string name, int cpu, IEnumerable<GuestOp> program)
{
    private IEnumerator<GuestOp>? _steps;

    public string Name { get; } = name;

    public int Cpu { get; } = cpu;

    public bool Finished { get; private set; }

    /// <summary>The next op, or null when the program has ended.</summary>
    internal GuestOp? Next()
    {
        _steps ??= program.GetEnumerator();
        if (_steps.MoveNext())
        {
            return _steps.Current;
        }

        Finished = true;
        _steps.Dispose();
        return null;
    }
}
