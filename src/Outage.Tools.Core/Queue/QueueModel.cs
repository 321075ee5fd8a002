using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>Where queue data came from.</summary>
public enum QueueSourceKind
{
    /// <summary>A live Postfix instance (postqueue -j, postcat, postsuper).</summary>
    Postfix,

    /// <summary>A saved <c>postqueue -j</c> file.</summary>
    PostqueueJson,

    /// <summary>A live Exim (exim -bp, -Mvh/-Mvb, -Mf/-Mt/-Mrm).</summary>
    Exim,

    /// <summary>A saved <c>exim -bp</c> listing.</summary>
    EximListing,

    /// <summary>Exchange Get-Queue / Get-Message objects (piped, Export-Csv, Export-Clixml).</summary>
    Exchange,

    /// <summary>A folder of .eml files.</summary>
    Spool,
}

/// <summary>One recipient of a queued message.</summary>
public sealed class QueueRecipient
{
    public QueueRecipient(string address, string? delayReason = null, bool delivered = false)
    {
        Address = address ?? string.Empty;
        DelayReason = delayReason;
        Delivered = delivered;
    }

    public string Address { get; }

    /// <summary>The domain part, lower case; empty for a local name.</summary>
    public string Domain => _domain ??= QueueText.DomainOf(Address);

    private string? _domain;

    /// <summary>Postfix <c>delay_reason</c>; null when none was recorded yet (postqueue(1)).</summary>
    public string? DelayReason { get; }

    /// <summary>Exim lists delivered recipients with a <c>D</c> (exim -bp); they no longer count as queued.</summary>
    public bool Delivered { get; }

    /// <summary>
    /// Where this recipient goes next, as the live MTA resolves it (Postfix: transport_maps, relayhost, the
    /// domain; Exim: exim -bt), "local", or "Unknown"; null when the source cannot say (saved listings).
    /// </summary>
    public string? NextHop { get; internal set; }

    public override string ToString() => Address;
}

/// <summary>
/// One queued message, normalised over Postfix, Exim, Exchange and spool folders. Its content can be read on
/// demand (<see cref="IMessageContent"/>), which is how Test-MimeMessage checks it in the triage pipeline.
/// </summary>
public sealed class QueueMessage : IMessageContent
{
    internal Func<QueueMessage, CancellationToken, Stream>? ContentOpener { get; set; }

    /// <summary>Where the message was read: postfix, postqueue-json, exim, exim-bp, exchange, spool.</summary>
    public QueueSourceKind Source { get; set; }

    /// <summary>The host whose queue this is.</summary>
    public string ComputerName { get; set; } = string.Empty;

    /// <summary>The queue id (Postfix queue_id, Exim message id, Exchange message Identity, file name).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The queue: incoming, active, deferred, hold, corrupt (Postfix); input (Exim); Exchange queue name; folder.</summary>
    public string Queue { get; set; } = string.Empty;

    /// <summary>Active, Deferred, Hold, Frozen, Incoming, Ready, Retry, Suspended, Poison...</summary>
    public string State { get; set; } = string.Empty;

    /// <summary>The envelope sender; empty for a bounce (<c>&lt;&gt;</c>).</summary>
    public string Sender { get; set; } = string.Empty;

    public string SenderDomain => QueueText.DomainOf(Sender);

    public IReadOnlyList<QueueRecipient> Recipients { get; set; } = Array.Empty<QueueRecipient>();

    /// <summary>Size in bytes (Exim's <c>2.9K</c> is converted, so it is approximate there).</summary>
    public long Size { get; set; }

    /// <summary>When the message arrived, UTC; null when the source does not say.</summary>
    public DateTimeOffset? ArrivalTime { get; set; }

    /// <summary>Age at the time of listing.</summary>
    public TimeSpan? Age { get; set; }

    /// <summary>The first delay reason or the Exchange LastError.</summary>
    public string? LastError { get; set; }

    /// <summary>
    /// The next hop: live Postfix / Exim the first undelivered recipient's resolved next hop (see
    /// <see cref="QueueRecipient.NextHop"/>); Exchange NextHopDomain; saved listings and spool folders the first
    /// recipient's domain.
    /// </summary>
    public string? NextHop { get; set; }

    public string? Subject { get; set; }

    public string? InternetMessageId { get; set; }

    public int? RetryCount { get; set; }

    /// <summary>Postfix forced_expire.</summary>
    public bool ForcedExpire { get; set; }

    /// <summary>The file this message is read from (spool folders), if any.</summary>
    public string? Path { get; set; }

    /// <summary>The Postfix configuration directory or the Exim binary/config, so actions reach the same instance.</summary>
    public string? InstanceConfig { get; set; }

    /// <summary>The Exim binary used (live Exim).</summary>
    public string? InstanceTool { get; set; }

    public string ContentName => Source switch
    {
        QueueSourceKind.Spool => Path ?? Id,
        _ => $"{QueueText.SourceName(Source)}:{Queue}/{Id}",
    };

    /// <summary>True when the content can be read (live queues and spool files).</summary>
    public bool HasContent => ContentOpener is not null;

    public Stream OpenContent(CancellationToken cancellationToken)
    {
        if (ContentOpener is null)
        {
            throw new OutageException(ErrorIds.QueueMessageNotFound, OutageErrorCategory.NotImplemented,
                $"The content of {ContentName} cannot be read from a {QueueText.SourceName(Source)} source (a saved listing holds no message bodies).",
                this, "Read the message from the live queue (--postfix / --exim) or from a spool folder.");
        }

        return ContentOpener(this, cancellationToken);
    }

    public override string ToString() => ContentName;

    /// <summary>The same message as it is after an action moved it (its queue and state now).</summary>
    public QueueMessage InQueue(string queue, string state)
    {
        var copy = (QueueMessage)MemberwiseClone();
        copy.Queue = queue;
        copy.State = state;
        return copy;
    }
}

/// <summary>One summary per queue (Get-MailQueue), after Exchange Get-Queue's properties.</summary>
public sealed class MailQueueSummary
{
    public QueueSourceKind Source { get; set; }

    public string ComputerName { get; set; } = string.Empty;

    /// <summary>The queue name (Exchange: Identity).</summary>
    public string Queue { get; set; } = string.Empty;

    public long MessageCount { get; set; }

    public long RecipientCount { get; set; }

    public long Bytes { get; set; }

    public DateTimeOffset? OldestArrival { get; set; }

    public TimeSpan? OldestAge { get; set; }

    /// <summary>Messages per state, e.g. Deferred=200, Hold=3.</summary>
    public IReadOnlyDictionary<string, long> States { get; set; } = new Dictionary<string, long>();

    /// <summary>The five recipient domains with most undelivered recipients, "domain (N recipients)" (Exchange: "(N messages)").</summary>
    public IReadOnlyList<string> TopDestinations { get; set; } = Array.Empty<string>();

    /// <summary>
    /// The five most frequent delay reasons, "reason (N recipients)" (Exchange: "(N messages)"); a reason wrapped in
    /// "delivery temporarily suspended: " counts as the reason itself.
    /// </summary>
    public IReadOnlyList<string> TopReasons { get; set; } = Array.Empty<string>();

    /// <summary>Exchange DeliveryType, NextHopDomain, Status, Velocity, IncomingRate, OutgoingRate when known.</summary>
    public string? DeliveryType { get; set; }

    public string? NextHopDomain { get; set; }

    public string? Status { get; set; }

    public string? LastError { get; set; }

    public double? Velocity { get; set; }

    public double? IncomingRate { get; set; }

    public double? OutgoingRate { get; set; }
}

/// <summary>What Measure-MailQueue groups by.</summary>
public enum QueueShapeGroupBy
{
    RecipientDomain,
    SenderDomain,
    Reason,
    Queue,
    NextHop,
}

/// <summary>One row of the qshape matrix: a key, its total and the counts per age bucket.</summary>
public sealed class QueueShapeRow
{
    public QueueSourceKind Source { get; set; }

    public string ComputerName { get; set; } = string.Empty;

    public QueueShapeGroupBy GroupBy { get; set; }

    /// <summary>The domain, reason, queue or next hop; <c>TOTAL</c> for the total row.</summary>
    public string Name { get; set; } = string.Empty;

    public bool IsTotal { get; set; }

    /// <summary>The T column.</summary>
    public long Total { get; set; }

    /// <summary>Counts per bucket; the last is the overflow bucket (qshape's <c>1280+</c>).</summary>
    public IReadOnlyList<long> Buckets { get; set; } = Array.Empty<long>();

    /// <summary>The bucket headings as qshape prints them: 5 10 20 ... 1280 1280+.</summary>
    public IReadOnlyList<string> BucketLabels { get; set; } = Array.Empty<string>();

    public override string ToString() => $"{Name} {Total} {string.Join(" ", Buckets)}";
}

/// <summary>The trend of a watched queue (Exchange Velocity guidance: magnitude matters, not the sign alone).</summary>
public enum QueueTrend
{
    Unknown,
    Stable,
    Growing,
    Draining,
}

/// <summary>One Watch-MailQueue sample.</summary>
public sealed class QueueSample
{
    public QueueSourceKind Source { get; set; }

    public string ComputerName { get; set; } = string.Empty;

    public DateTimeOffset Time { get; set; }

    public long Count { get; set; }

    public long RecipientCount { get; set; }

    /// <summary>Change against the previous sample (this run or the history file).</summary>
    public long? Delta { get; set; }

    public double? RatePerMinute { get; set; }

    public QueueTrend Trend { get; set; }

    /// <summary>Estimated time to drain at the current rate, when draining.</summary>
    public TimeSpan? EstimatedDrain { get; set; }

    public TimeSpan? OldestAge { get; set; }
}
