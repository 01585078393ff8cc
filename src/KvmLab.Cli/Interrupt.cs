namespace KvmLab.Cli;

/// <summary>
/// Ctrl-C (SIGINT) for a command that stops cleanly: the first press cancels the token, so the
/// work stops at its next safe point and cleans up; a second press ends the process as usual.
/// The token also follows the caller's token (an embedding host's guard).
/// </summary>
internal sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly ConsoleCancelEventHandler _handler;

    public Interrupt(CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _handler = (_, e) =>
        {
            e.Cancel = !_cts.IsCancellationRequested;
            _cts.Cancel();
        };
        Console.CancelKeyPress += _handler;
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= _handler;
        _cts.Dispose();
    }
}
