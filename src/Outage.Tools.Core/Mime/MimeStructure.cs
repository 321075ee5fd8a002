using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Mime;

/// <summary>A request for the part tree of messages (Get-MimeStructure, <c>outage mime tree</c>).</summary>
public sealed class MimeStructureRequest
{
    public IList<MimeInput> Inputs { get; } = new List<MimeInput>();

    public MimeLintOptions Options { get; set; } = new();
}

/// <summary>The part tree of a message, from the same single pass as the linter (parts in document order).</summary>
public static class MimeStructure
{
    public static IEnumerable<Outcome<MimePartInfo>> Run(MimeStructureRequest request, IProgress<OperationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        return Iterate(request, cancellationToken);
    }

    private static IEnumerable<Outcome<MimePartInfo>> Iterate(MimeStructureRequest request, CancellationToken ct)
    {
        var lintRequest = new MimeLintRequest();
        foreach (var input in request.Inputs)
        {
            lintRequest.Inputs.Add(input);
        }

        foreach (var item in MimeLint.Expand(lintRequest, ct))
        {
            if (item.Error is not null)
            {
                yield return Outcome<MimePartInfo>.Failure(item.Error);
                continue;
            }

            if (item.Warning is not null)
            {
                yield return Outcome<MimePartInfo>.Warn(item.Warning);
                continue;
            }

            IReadOnlyList<MimePartInfo>? parts = null;
            ItemError? error = null;
            try
            {
                parts = Parts(item.Input, request.Options, ct);
            }
            catch (OutageException ex)
            {
                error = ex.Error;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = new ItemError(ErrorIds.PathNotReadable, OutageErrorCategory.ReadError, $"Cannot read '{item.Input.Name}': {ex.Message}",
                    item.Input.Name, "Check the permissions of the file.", ex);
            }

            if (error is not null)
            {
                yield return Outcome<MimePartInfo>.Failure(error);
                continue;
            }

            foreach (var part in parts!)
            {
                yield return Outcome<MimePartInfo>.Success(part);
            }
        }
    }

    /// <summary>The parts of one message (at most the parts limit + 1).</summary>
    public static IReadOnlyList<MimePartInfo> Parts(MimeInput input, MimeLintOptions? options = null, CancellationToken ct = default)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        using var stream = input.Bytes is not null ? new MemoryStream(input.Bytes, false)
            : input.Message is not null ? input.Message.OpenContent(ct)
            : new FileStream(input.Path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, MimeLint.BufferSize, FileOptions.SequentialScan);
        var linter = new MimeLinter(options, input.Name, recordParts: true);
        var buffer = new byte[MimeLint.BufferSize];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            linter.Feed(buffer, 0, n);
        }

        linter.Finish();
        return linter.Parts;
    }
}
