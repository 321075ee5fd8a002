using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Headers;

/// <summary>The Received chains of messages (Get-MessageHop, <c>outage mime hops</c>): only the header section is read.</summary>
public static class MessageHops
{
    public static IEnumerable<Outcome<ReceivedHop>> Run(IEnumerable<MimeInput> inputs, CancellationToken cancellationToken = default)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs));
        }

        return Iterate(inputs, cancellationToken);
    }

    private static IEnumerable<Outcome<ReceivedHop>> Iterate(IEnumerable<MimeInput> inputs, CancellationToken ct)
    {
        foreach (var input in inputs)
        {
            ct.ThrowIfCancellationRequested();
            List<ReceivedHop>? hops = null;
            ItemError? error = null;
            try
            {
                using var reader = OpenText(input, ct);
                hops = ReceivedChain.Hops(ReceivedChain.ReceivedFields(reader));
            }
            catch (Exception ex) when (ReadError(input, ex) is { } e)
            {
                error = e;
            }

            if (error is not null)
            {
                yield return Outcome<ReceivedHop>.Failure(error);
                continue;
            }

            if (hops!.Count == 0)
            {
                yield return Outcome<ReceivedHop>.Warn($"{input.Name}: no Received header field.");
                continue;
            }

            foreach (var hop in hops)
            {
                hop.Source = input.Name;
                yield return Outcome<ReceivedHop>.Success(hop);
            }
        }
    }

    /// <summary>The message's text (a file, raw content or a queued message); only its header section is read.</summary>
    internal static StreamReader OpenText(MimeInput input, CancellationToken ct)
    {
        var stream = input.Bytes is not null ? new MemoryStream(input.Bytes, false)
            : input.Message is not null ? input.Message.OpenContent(ct)
            : new FileStream(input.Path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream, Encoding.UTF8, false, 16 * 1024);
    }

    /// <summary>The per-item error for a message that cannot be read, or null for an exception that is not about reading.</summary>
    internal static ItemError? ReadError(MimeInput input, Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound,
            $"The message '{input.Name}' does not exist.", input.Name, "Check the path.", ex),
        IOException or UnauthorizedAccessException => new ItemError(ErrorIds.PathNotReadable, OutageErrorCategory.ReadError,
            $"Cannot read '{input.Name}': {ex.Message}", input.Name, "Check the permissions of the file.", ex),
        _ => null,
    };
}
