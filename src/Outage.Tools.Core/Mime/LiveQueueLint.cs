using System;
using System.Collections.Generic;
using System.Threading;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Core.Mime;

/// <summary>
/// Lints the content of every message of live queues (<c>outage mime lint --postfix</c>, the outage check's
/// poison-messages of a live queue): the queue is listed once, then each message's content is read from its
/// queue file (postcat / exim -Mvh -Mvb only when a file cannot be read) and linted in parallel.
/// </summary>
public static class LiveQueueLint
{
    /// <summary>
    /// A poison message: the linter's verdict (<see cref="MimeMessageReport.Poison"/>). The one place the check,
    /// the CLI and the probable causes ask, so they agree.
    /// </summary>
    public static bool IsPoison(MimeMessageReport report) =>
        (report ?? throw new ArgumentNullException(nameof(report))).Poison;

    /// <summary>The reports of <paramref name="request"/>'s own inputs, then of every message of each queue; listing errors are passed on.</summary>
    public static IEnumerable<Outcome<MimeMessageReport>> Run(MimeLintRequest request, IEnumerable<QueueSourceOptions> queues,
        IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (queues is null)
        {
            throw new ArgumentNullException(nameof(queues));
        }

        var listingErrors = new List<Outcome<MimeMessageReport>>();
        foreach (var q in queues)
        {
            foreach (var o in QueueSource.ReadMessages(q, cancellationToken))
            {
                if (o.Kind == OutcomeKind.Result)
                {
                    request.Inputs.Add(MimeInput.FromMessage(o.Value!));
                }
                else if (o.Kind == OutcomeKind.Error)
                {
                    listingErrors.Add(Outcome<MimeMessageReport>.Failure(o.Error!));
                }
                else
                {
                    listingErrors.Add(Outcome<MimeMessageReport>.Warn(o.Text ?? string.Empty));
                }
            }
        }

        return Iterate(listingErrors, request.Inputs.Count == 0 ? null : MimeLint.Run(request, progress, cancellationToken));
    }

    private static IEnumerable<Outcome<MimeMessageReport>> Iterate(List<Outcome<MimeMessageReport>> first, IEnumerable<Outcome<MimeMessageReport>>? rest)
    {
        foreach (var o in first)
        {
            yield return o;
        }

        if (rest is null)
        {
            yield break;
        }

        foreach (var o in rest)
        {
            yield return o;
        }
    }
}
