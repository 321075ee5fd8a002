using System;

namespace Outage.Tools.Core.Logs;

/// <summary>Which MTA wrote a log.</summary>
public enum MailLogFormat
{
    /// <summary>Recognised from the first lines of each file.</summary>
    Auto,

    /// <summary>Postfix through syslog (traditional or RFC 3339 timestamps) or its own maillog_file (postlogd).</summary>
    Postfix,

    /// <summary>Exim's mainlog (spec chapter "Log files").</summary>
    Exim,

    /// <summary>Exchange message tracking log (CSV with a #Fields: line).</summary>
    ExchangeTracking,
}

/// <summary>What one log event says happened to a message (or a recipient of it).</summary>
public enum MailLogStatus
{
    /// <summary>Anything else the MTA logs (connections, warnings, internal steps).</summary>
    Other,

    /// <summary>A message was accepted (Postfix smtpd client= or pickup, Exim &lt;=, Exchange RECEIVE).</summary>
    Received,

    /// <summary>A message entered the queue manager with its sender and size (Postfix qmgr from=, cleanup message-id=).</summary>
    Queued,

    /// <summary>Delivered to one recipient (status=sent, Exim =&gt; and -&gt;, Exchange DELIVER and SEND).</summary>
    Sent,

    /// <summary>A delivery attempt failed temporarily (status=deferred, Exim ==, Exchange DEFER).</summary>
    Deferred,

    /// <summary>Failed permanently (status=bounced, Exim **, Exchange FAIL).</summary>
    Bounced,

    /// <summary>Returned to the sender because it stayed too long in the queue (Postfix status=expired).</summary>
    Expired,

    /// <summary>Refused before it was queued (Postfix NOQUEUE reject and cleanup reject, Exim "rejected").</summary>
    Rejected,

    /// <summary>Frozen by Exim.</summary>
    Frozen,

    /// <summary>Put in (or taken out of) Exchange's poison message queue.</summary>
    Poison,

    /// <summary>The message left the queue (Postfix removed, Exim Completed).</summary>
    Completed,

    /// <summary>A warning, error, fatal or panic line of the MTA itself.</summary>
    Warning,
}

/// <summary>
/// One line of a mail log as a typed event. Times are absolute: zone-less timestamps are read in the zone given to
/// the reader (by default this machine's), and syslog dates without a year get the year rule of
/// <see cref="MailLogRequest.Year"/>. Fields the line does not carry are null, except <see cref="MessageId"/>,
/// <see cref="Sender"/> and <see cref="Size"/>, which are copied from earlier lines of the same queue id.
/// </summary>
public sealed class MailLogEvent
{
    public DateTimeOffset Time { get; set; }

    public MailLogFormat Format { get; set; }

    public MailLogStatus Status { get; set; }

    /// <summary>The MTA's own word for the event: status=sent, client, =&gt;, **, DELIVER, ...</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>The host that wrote the line (syslog host field, Exchange server-hostname of RECEIVE/DELIVER).</summary>
    public string? Host { get; set; }

    /// <summary>The program: postfix/smtp, exim, or the Exchange source (SMTP, STOREDRIVER, ...).</summary>
    public string? Program { get; set; }

    /// <summary>The MTA's id of the message: Postfix queue id, Exim message id, Exchange internal-message-id.</summary>
    public string? QueueId { get; set; }

    /// <summary>The Message-ID header, with its angle brackets as logged.</summary>
    public string? MessageId { get; set; }

    public string? Sender { get; set; }

    public string? Recipient { get; set; }

    /// <summary>Postfix orig_to, Exim's parent address in angle brackets.</summary>
    public string? OriginalRecipient { get; set; }

    /// <summary>The domain of <see cref="Recipient"/>, lower case.</summary>
    public string? RecipientDomain => DomainOf(Recipient);

    /// <summary>The domain of <see cref="Sender"/>, lower case.</summary>
    public string? SenderDomain => DomainOf(Sender);

    /// <summary>Where it went: Postfix relay=, Exim H=, Exchange server of SEND.</summary>
    public string? Relay { get; set; }

    /// <summary>Where it came from: Postfix client=, Exim H= of the arrival, Exchange client.</summary>
    public string? Client { get; set; }

    public long? Size { get; set; }

    /// <summary>RFC 3463 enhanced status code (Postfix dsn=, Exchange recipient-status).</summary>
    public string? Dsn { get; set; }

    /// <summary>Arrival to this event: Postfix delay=, Exim QT=, Exchange from the origination time in message-info.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>Postfix delays= a: before the queue manager (arrival to last active queue entry).</summary>
    public TimeSpan? DelayBeforeQueueManager { get; set; }

    /// <summary>Postfix delays= b: in the queue manager (active queue entry to connection setup).</summary>
    public TimeSpan? DelayInQueueManager { get; set; }

    /// <summary>Postfix delays= c: connection setup (DNS, HELO, TLS).</summary>
    public TimeSpan? DelayConnection { get; set; }

    /// <summary>Postfix delays= d: transmission.</summary>
    public TimeSpan? DelayTransmission { get; set; }

    /// <summary>The reason given for a deferral, bounce, reject or freeze (the text in parentheses for Postfix).</summary>
    public string? Reason { get; set; }

    /// <summary>The log file (or "&lt;content&gt;").</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The 1-based line number in that file.</summary>
    public long Line { get; set; }

    /// <summary>The line after its timestamp and program.</summary>
    public string Text
    {
        get => _text ??= _line is null ? string.Empty : _line.Substring(_textStart);
        set
        {
            _text = value;
            _line = null;
        }
    }

    private string? _text;
    private string? _line;
    private int _textStart;

    /// <summary>The text is the rest of <paramref name="line"/> from <paramref name="start"/>, cut only when asked for.</summary>
    internal void SetText(string line, int start)
    {
        _line = line;
        _textStart = start;
        _text = null;
    }

    /// <summary>A second or later recipient of one Exchange record (its message is counted once).</summary>
    internal bool IsContinuation { get; set; }

    internal static string? DomainOf(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }

        var at = address!.LastIndexOf('@');
        return at < 0 || at == address.Length - 1 ? null : address.Substring(at + 1).ToLowerInvariant();
    }

    public override string ToString() => $"{Time:u} {Status} {QueueId} {Recipient ?? Sender}";
}
