namespace KvmLab.Cli;

/// <summary>Linux habits: 0 success, 1 failure (bad input, a run error, --strict miss), 2 usage error.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
}
