using System.Collections.Generic;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Mime;

/// <summary>One defect found in a message: which rule, how bad, and exactly where.</summary>
public sealed class MimeFinding
{
    public MimeFinding(string rule, MimeSeverity severity, long offset, long line, string part, string? header, string message, string reference,
        bool poison = false)
    {
        Poison = poison;
        Rule = rule;
        Severity = severity;
        Offset = offset;
        Line = line;
        Part = part;
        Header = header;
        Message = message;
        Reference = reference;
    }

    /// <summary>The rule id (see Get-MimeRule).</summary>
    public string Rule { get; }

    public MimeSeverity Severity { get; }

    /// <summary>Byte offset of the defect in the file (0-based).</summary>
    public long Offset { get; }

    /// <summary>Line number of the defect in the file (1-based).</summary>
    public long Line { get; }

    /// <summary>The MIME part, IMAP style: <c>0</c> for the message header, <c>1.2</c> for the second part of the first part.</summary>
    public string Part { get; }

    /// <summary>The header field concerned, when there is one.</summary>
    public string? Header { get; }

    public string Message { get; }

    /// <summary>Where the rule comes from, e.g. <c>RFC 5322 §2.1.1</c>.</summary>
    public string Reference { get; }

    /// <summary>
    /// True when this finding makes the message poison under the profile it was checked with: its rule's impact is
    /// Poison, or Conditional and the rule's condition (Get-MimeRule's PoisonWhen) holds here.
    /// </summary>
    public bool Poison { get; internal set; }

    public override string ToString() => $"{(Poison ? "Poison " : string.Empty)}{Severity} {Rule} @{Offset} (line {Line}, part {Part}): {Message}";
}

/// <summary>The verdict on one message (Test-MimeMessage, <c>outage mime lint</c>).</summary>
public sealed class MimeMessageReport
{
    public MimeMessageReport(string path, long size, IReadOnlyList<MimeFinding> findings, int messageIndex, long startOffset, IMessageContent? message)
    {
        Path = path;
        Size = size;
        Findings = findings;
        MessageIndex = messageIndex;
        StartOffset = startOffset;
        Message = message;
        foreach (var f in findings)
        {
            if (f.Severity == MimeSeverity.Error)
            {
                ErrorCount++;
            }
            else if (f.Severity == MimeSeverity.Warning)
            {
                WarningCount++;
            }

            Poison |= f.Poison;
        }

        // From the findings, never a second parse: Poison beats Nonconforming beats Clean.
        Verdict = Poison ? MimeVerdict.Poison : ErrorCount + WarningCount > 0 ? MimeVerdict.Nonconforming : MimeVerdict.Clean;
    }

    /// <summary>The file (or content name) the message came from.</summary>
    public string Path { get; }

    /// <summary>Size of the message in octets.</summary>
    public long Size { get; }

    /// <summary>True when no finding is an Error or a Warning (conformance; see <see cref="Verdict"/> for harm).</summary>
    public bool WellFormed => ErrorCount == 0 && WarningCount == 0;

    /// <summary>
    /// Clean (no finding above Info), Nonconforming (findings, none harmful) or Poison (at least one finding whose
    /// rule makes it harmful: stalled, truncated, bounced, split or read differently by the software on its path).
    /// </summary>
    public MimeVerdict Verdict { get; }

    /// <summary>True when <see cref="Verdict"/> is Poison: the messages to hold (<c>Where-Object Poison</c>).</summary>
    public bool Poison { get; }

    public int ErrorCount { get; }

    public int WarningCount { get; }

    public IReadOnlyList<MimeFinding> Findings { get; }

    /// <summary>1-based number of the message inside an mbox file; 1 otherwise.</summary>
    public int MessageIndex { get; }

    /// <summary>Offset of the message's first octet in the file (non-zero inside an mbox).</summary>
    public long StartOffset { get; }

    /// <summary>The pipeline object the content came from (a queued message), or null for files and bytes.</summary>
    public IMessageContent? Message { get; }

    public override string ToString() => $"{Path}: {Verdict}{(WellFormed ? string.Empty : $" ({ErrorCount} errors, {WarningCount} warnings)")}";
}

/// <summary>One entity of a message's part tree (Get-MimeStructure, <c>outage mime tree</c>).</summary>
public sealed class MimePartInfo
{
    internal MimePartInfo(string source, string part, int depth)
    {
        Source = source;
        Part = part;
        Depth = depth;
    }

    /// <summary>The file the message came from.</summary>
    public string Source { get; }

    /// <summary>Part path, IMAP style (<c>0</c> = the message, <c>1.2</c> …).</summary>
    public string Part { get; }

    /// <summary>Nesting depth, 0 for the message itself.</summary>
    public int Depth { get; }

    public string ContentType { get; internal set; } = "text/plain";

    public string? Charset { get; internal set; }

    public string TransferEncoding { get; internal set; } = "7bit";

    public string? Disposition { get; internal set; }

    public string? FileName { get; internal set; }

    /// <summary>Offset of the part's first header line.</summary>
    public long HeaderOffset { get; internal set; }

    /// <summary>Offset of the body (after the empty line), or -1 when the header section never ended.</summary>
    public long BodyOffset { get; internal set; } = -1;

    public long HeaderSize { get; internal set; }

    public long BodySize { get; internal set; }

    /// <summary>Lines of the part, header and body.</summary>
    public long LineCount { get; internal set; }

    public override string ToString() => $"{Part} {ContentType}";
}

/// <summary>Limits and rule selection of the linter.</summary>
public sealed class MimeLintOptions
{
    /// <summary>One unfolded header field over this many octets is <c>header-too-long</c> (Postfix header_size_limit).</summary>
    public long HeaderSizeLimit { get; set; } = 102400;

    public int HeaderCountLimit { get; set; } = 1000;

    /// <summary>
    /// Postfix mime_nesting_limit. Measured on Postfix 3.7 (PostfixLimitsTests): it refuses a message with more than
    /// limit + 2 nested multipart levels and passes limit + 2, so a composite entity at nesting level limit + 3 is
    /// <c>nesting-too-deep</c>; the linter treats what is deeper as opaque.
    /// </summary>
    public int NestingLimit { get; set; } = 100;

    public int PartsLimit { get; set; } = 10000;

    /// <summary>Postfix message_size_limit.</summary>
    public long SizeLimit { get; set; } = 10240000;

    /// <summary>
    /// Postfix hopcount_limit: a Postfix relay refuses a message whose primary header has this many Received fields
    /// counting the one it adds, so a message with one less is <c>received-hop-count</c>.
    /// </summary>
    public int ReceivedLimit { get; set; } = 50;

    /// <summary>Which rules make a message poison (the verdict); default <see cref="MimeProfile.Calibrated"/>.</summary>
    public MimeProfile Profile { get; set; } = MimeProfile.Calibrated;

    /// <summary>At most this many findings per rule and message (the rest are counted in the last one's message).</summary>
    public int MaxFindingsPerRule { get; set; } = 100;
}
