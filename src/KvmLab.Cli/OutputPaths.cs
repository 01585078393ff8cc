namespace KvmLab.Cli;

/// <summary>
/// Checks an output path before any work starts, so a run of minutes does not end in "is a
/// directory" or "permission denied": the target must be of the right kind (a file where a file
/// is written, not an existing file where a directory is), and the nearest existing directory
/// above it must be a directory this process can create files in (missing ones are created later).
/// </summary>
internal static class OutputPaths
{
    private static readonly string[] SpecialRoots = ["/dev/", "/proc/", "/sys/"];

    /// <summary>Null, or the problem with a file to be written at <paramref name="path"/>.</summary>
    public static string? FileProblem(string path, string option)
    {
        if (Full(path, option, out string full) is { } bad)
        {
            return bad;
        }

        if (Directory.Exists(full))
        {
            return $"{option} {path}: is a directory; give the name of a file to write";
        }

        // Outputs are written beside the target and renamed over it: over /dev/null that would
        // replace the device with a regular file. .NET shows no file type, so go by where it lives.
        string? real = File.Exists(full) ? File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full : null;
        if (real is not null && SpecialRoots.Any(r => real.StartsWith(r, StringComparison.Ordinal) || full.StartsWith(r, StringComparison.Ordinal)))
        {
            return $"{option} {path}: is a device or kernel file ({real}); give the name of a regular file";
        }

        return ParentProblem(full, path, option);
    }

    /// <summary>Null, or the problem with a directory to be created or filled at <paramref name="path"/>.</summary>
    public static string? DirectoryProblem(string path, string option)
    {
        if (Full(path, option, out string full) is { } bad)
        {
            return bad;
        }

        if (File.Exists(full))
        {
            return $"{option} {path}: is an existing file; give a directory (it is created if missing)";
        }

        return Directory.Exists(full) ? Writable(full, path, option) : ParentProblem(full, path, option);
    }

    private static string? Full(string path, string option, out string full)
    {
        full = "";
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            return $"{option}: '{path}' is not a valid path";
        }

        try
        {
            full = Path.GetFullPath(path);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"{option} {path}: not a valid path ({e.Message})";
        }
    }

    private static string? ParentProblem(string full, string path, string option)
    {
        for (string? dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir))
            {
                return Writable(dir, path, option);
            }

            if (File.Exists(dir))
            {
                return $"{option} {path}: '{dir}' is a file, not a directory";
            }
        }

        return $"{option} {path}: no existing directory above it";
    }

    private static string? Writable(string dir, string path, string option)
    {
        string probe = Path.Combine(dir, $".kvmlab-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{option} {path}: cannot create files in '{dir}' ({e.Message})";
        }
    }
}
