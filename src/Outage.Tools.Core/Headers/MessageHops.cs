using System;
using System.Collections.Generic;
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
            var (hops, error) = HeaderInput.Read(input, reader => ReceivedChain.Hops(ReceivedChain.ReceivedFields(reader)), ct);
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
}
