using System;
using System.Collections.Generic;
using System.Linq;
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

    /// <summary>Messages a worker lints one after another (queued messages are mostly small: fewer thread hand-offs).</summary>
    internal const int QueueBatchSize = 64;

    /// <summary>
    /// The reports of <paramref name="request"/>'s own inputs, then of every message of each queue, then the listings'
    /// warnings and errors. Each listing is started at once (its tool runs, a missing configuration is an
    /// <see cref="OutageException"/> here) and read as the lint goes, so listing and linting overlap.
    /// </summary>
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

        // A live Postfix is listed from its queue folders (each file read once); other queues by their tools.
        var listings = queues.Select(q => q.Kind == QueueSourceKind.Postfix
            ? PostfixQueue.ListForContent(q, cancellationToken)
            : QueueSource.ReadMessages(q, cancellationToken)).ToList();
        if (listings.Count == 0)
        {
            return MimeLint.Run(request, progress, cancellationToken);
        }

        var listingProblems = new List<Outcome<MimeMessageReport>>();
        request.InputSource = request.InputSource is null ? Messages(listings, listingProblems) : request.InputSource.Concat(Messages(listings, listingProblems));
        request.BatchSize = Math.Max(request.BatchSize, QueueBatchSize);
        return Iterate(MimeLint.Run(request, progress, cancellationToken), listingProblems);
    }

    /// <summary>The listed messages as lint inputs; the listings' errors and warnings go to <paramref name="problems"/>.</summary>
    private static IEnumerable<MimeInput> Messages(List<IEnumerable<Outcome<QueueMessage>>> listings, List<Outcome<MimeMessageReport>> problems)
    {
        foreach (var listing in listings)
        {
            foreach (var o in listing)
            {
                if (o.Kind == OutcomeKind.Result)
                {
                    yield return MimeInput.FromMessage(o.Value!);
                }
                else if (o.Kind == OutcomeKind.Error)
                {
                    problems.Add(Outcome<MimeMessageReport>.Failure(o.Error!));
                }
                else
                {
                    problems.Add(Outcome<MimeMessageReport>.Warn(o.Text ?? string.Empty));
                }
            }
        }
    }

    private static IEnumerable<Outcome<MimeMessageReport>> Iterate(IEnumerable<Outcome<MimeMessageReport>> reports, List<Outcome<MimeMessageReport>> after)
    {
        foreach (var o in reports)
        {
            yield return o;
        }

        // The listing has been read to its end by now (the lint enumerated every input).
        foreach (var o in after)
        {
            yield return o;
        }
    }
}
