using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace Outage.Tools.Core.Operations;

/// <summary>One thing a folder scan found: a regular file to read, or a problem or note about a path it did not read.</summary>
public sealed class ScanEntry
{
    private ScanEntry(string path, ItemError? error, string? warning) => (Path, Error, Warning) = (path, error, warning);

    public string Path { get; }

    /// <summary>A folder that cannot be listed (the scan went on without it).</summary>
    public ItemError? Error { get; }

    /// <summary>A path skipped on purpose: a FIFO, socket or device, a link to a folder.</summary>
    public string? Warning { get; }

    public bool IsFile => Error is null && Warning is null;

    public static ScanEntry File(string path) => new(path, null, null);

    public static ScanEntry Failed(string path, ItemError error) => new(path, error, null);

    public static ScanEntry Skipped(string path, string warning) => new(path, null, warning);
}

/// <summary>
/// Scans folders the way a tool run during an outage must: only regular files are read (opening a FIFO blocks
/// until a writer comes, a device such as /dev/zero never ends), symbolic links to folders are not followed
/// (three links to "." made a scan list the same file over and over until memory ran out; find(1) does not
/// follow them either by default), and a folder that cannot be listed is reported while the others are scanned.
/// </summary>
public static class FileScan
{
    /// <summary>Files of <paramref name="root"/> matching <paramref name="pattern"/> (and of its subfolders with <paramref name="recurse"/>), sorted by full path (ordinal).</summary>
    public static IEnumerable<ScanEntry> Files(string root, string pattern, bool recurse, CancellationToken cancellationToken = default)
    {
        if (root is null)
        {
            throw new ArgumentNullException(nameof(root));
        }

        var found = new List<ScanEntry>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dir = pending.Pop();
            try
            {
                foreach (var file in Directory.EnumerateFiles(dir, pattern, SearchOption.TopDirectoryOnly))
                {
                    found.Add(IsRegularFile(file, out var kind) ? ScanEntry.File(file)
                        : ScanEntry.Skipped(file, $"'{file}' is {kind}, not a regular file; it was skipped."));
                }

                if (!recurse)
                {
                    continue;
                }

                foreach (var sub in Directory.EnumerateDirectories(dir, "*", SearchOption.TopDirectoryOnly))
                {
                    if ((File.GetAttributes(sub) & FileAttributes.ReparsePoint) != 0)
                    {
                        found.Add(ScanEntry.Skipped(sub, $"'{sub}' is a link to a folder; links are not followed (they can loop)."));
                        continue;
                    }

                    pending.Push(sub);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                found.Add(ScanEntry.Failed(dir, new ItemError(ErrorIds.PathNotReadable, OutageErrorCategory.ReadError,
                    $"Cannot list the folder '{dir}': {ex.Message}", dir, "Check its permissions; the other folders were scanned.", ex)));
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return found;
    }

    /// <summary>The <c>kind</c> <see cref="IsRegularFile"/> gives a FIFO (a named pipe, or a pipe named through /dev/stdin).</summary>
    public const string FifoKind = "a FIFO (named pipe)";

    /// <summary>
    /// True for a regular file (after following links). <paramref name="kind"/> names what else it is: "a FIFO
    /// (named pipe)", "a socket", "a character device", "a block device", "a folder".
    /// </summary>
    public static bool IsRegularFile(string path, out string kind)
    {
        kind = "a regular file";
        if (Directory.Exists(path))
        {
            kind = "a folder";
            return false;
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // Windows has no FIFOs in the file system; devices (\\.\…) are not listed by a folder scan.
            return true;
        }

        var mode = UnixMode(path);
        switch (mode & 0xF000)
        {
            case 0x1000: kind = FifoKind; return false;
            case 0x2000: kind = "a character device"; return false;
            case 0x6000: kind = "a block device"; return false;
            case 0xC000: kind = "a socket"; return false;
            default: return true; // 0x8000 regular, or mode unknown (then the old behaviour: read it)
        }
    }

    /// <summary>
    /// Whether a file named on the command line may be read: a regular file, or an open descriptor the caller
    /// gave on purpose (/dev/stdin, /dev/fd/N of a shell's process substitution), whose writer exists. Any other
    /// FIFO would block until some writer comes, a device never ends. <paramref name="kind"/> as in <see cref="IsRegularFile"/>.
    /// </summary>
    public static bool IsReadableInput(string path, out string kind)
    {
        if (IsRegularFile(path, out kind))
        {
            return true;
        }

        var full = System.IO.Path.GetFullPath(path);
        return kind == "a FIFO (named pipe)" && (full == "/dev/stdin" || full.StartsWith("/dev/fd/", StringComparison.Ordinal)
            || full.StartsWith("/proc/self/fd/", StringComparison.Ordinal));
    }

    /// <summary>
    /// st_mode of stat(2), through the .NET runtime's own native shim (libSystem.Native, present wherever .NET
    /// runs on Unix): its FileStatus starts with Flags then Mode, both int32, in every runtime version.
    /// Returns 0 when it cannot be asked.
    /// </summary>
    private static int UnixMode(string path)
    {
        var buffer = Marshal.AllocHGlobal(512);
        try
        {
            // The path as NUL-terminated UTF-8 (what the shim takes).
            var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            return SystemNativeStat(bytes, buffer) == 0 ? Marshal.ReadInt32(buffer, 4) : 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int SystemNativeStat(byte[] path, IntPtr output);
}
