using System;
using System.IO;
using System.Text;
using System.Threading;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Headers;

/// <summary>
/// Reads the header section of a message given to Get-MessageHop or Get-MessageHeaderReport (a file, raw content or a
/// queued message), turning a message that cannot be read into its per-item error.
/// </summary>
internal static class HeaderInput
{
    /// <summary><paramref name="read"/> over the message's text, or the error that says why the message cannot be read.</summary>
    public static (T? Value, ItemError? Error) Read<T>(MimeInput input, Func<StreamReader, T> read, CancellationToken ct)
        where T : class
    {
        try
        {
            using var reader = OpenText(input, ct);
            return (read(reader), null);
        }
        catch (Exception ex) when (ReadError(input, ex) is { } e)
        {
            return (null, e);
        }
    }

    /// <summary>The message's text (a file, raw content or a queued message); only its header section is read.</summary>
    private static StreamReader OpenText(MimeInput input, CancellationToken ct)
    {
        var stream = input.Bytes is not null ? new MemoryStream(input.Bytes, false)
            : input.Message is not null ? input.Message.OpenContent(ct)
            : new FileStream(input.Path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream, Encoding.UTF8, false, 16 * 1024);
    }

    /// <summary>The per-item error for a message that cannot be read, or null for an exception that is not about reading.</summary>
    private static ItemError? ReadError(MimeInput input, Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound,
            $"The message '{input.Name}' does not exist.", input.Name, "Check the path.", ex),
        IOException or UnauthorizedAccessException => new ItemError(ErrorIds.PathNotReadable, OutageErrorCategory.ReadError,
            $"Cannot read '{input.Name}': {ex.Message}", input.Name, "Check the permissions of the file.", ex),
        _ => null,
    };
}
