using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>
/// Reads <c>exim -bp</c> / <c>-bpr</c> output (exim(8), "Exim's command line options", -bp): a header line
/// "AGE SIZE ID &lt;SENDER&gt; [*** frozen ***]", then recipients indented, delivered ones prefixed <c>D</c>
/// (<c>+D</c> for generated addresses with -bpa), a blank line between messages. Lines starting with '#'
/// are comments (saved listings). A malformed entry yields an error with its line number.
/// </summary>
public static class EximListingReader
{
    // "25m  2.9K 1xUYNP-0004Zd-1Y <sender@vm> *** frozen ***"; an untrusted sender adds "(login)" before <...>.
    private static readonly Regex Header = new(
        @"^\s*(?<age>\d+[smhdw])\s+(?<size>[0-9.]+[KMG]?)\s+(?<id>[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})\s+(?:\((?<login>[^)]*)\)\s+)?<(?<sender>[^>]*)>(?<frozen>\s+\*\*\* frozen \*\*\*)?\s*$",
        RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static readonly Regex Recipient = new(@"^\s+(?:(?<d>\+?D)\s+)?(?<addr>\S+)\s*$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The longest line read: 64 Ki characters (an exim -bp line is an age, a size, an id and one address).</summary>
    public const int MaxLineLength = 64 << 10;

    public static IEnumerable<Outcome<QueueMessage>> Read(TextReader reader, string origin, QueueSourceKind source, string computerName,
        DateTimeOffset now, CancellationToken cancellationToken = default, long maxTotalChars = long.MaxValue)
    {
        QueueMessage? current = null;
        List<QueueRecipient>? recipients = null;
        var lineNumber = 0;
        var skipping = false;
        // At most maxTotalChars in all: a pipe or FIFO has no length to stop at (QueueSource.MaxPipedListingChars).
        var lines = new BoundedLineReader(reader, MaxLineLength, maxTotalChars);
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            if (lines.LimitReached)
            {
                // The line the cap cut off is not judged: the error below says the rest was not read.
                break;
            }

            lineNumber++;
            cancellationToken.ThrowIfCancellationRequested();
            string? bad = null;
            Match h = Match.Empty;
            if (lines.LastLineTooLong)
            {
                bad = $"it is longer than {MaxLineLength} characters";
            }
            else if (!skipping && !line.StartsWith("#", StringComparison.Ordinal) && line.Trim().Length > 0)
            {
                try
                {
                    h = Header.Match(line);
                }
                catch (RegexMatchTimeoutException)
                {
                    bad = "it took too long to match";
                }

                if (h.Success && !QueueText.TryParseEximAge(h.Groups["age"].Value, out _))
                {
                    bad = $"the age '{h.Groups["age"].Value}' is out of range";
                }
            }

            if (bad is not null)
            {
                // This entry is lost (its recipients that follow are reported too); the rest of the listing is read.
                if (current is not null)
                {
                    yield return Finish(current, recipients!);
                    current = null;
                }

                yield return Outcome<QueueMessage>.Failure(new ItemError(ErrorIds.QueueListingInvalid, OutageErrorCategory.ParserError,
                    $"Line {lineNumber} of {origin} is not part of an exim -bp listing: {bad}.", $"{origin}:{lineNumber}",
                    "The rest of the listing was read; check that the file is 'exim -bp' output."));
                continue;
            }

            if (line.StartsWith("#", StringComparison.Ordinal))
            {
                // A comment ends the listing section of a saved capture (as in the shared samples).
                if (current is not null)
                {
                    yield return Finish(current, recipients!);
                    current = null;
                }

                // Only a capture section headed "# exim -bp" / "-bpr" is a listing; -bpc, exiqsumm and -Mvl sections are skipped.
                skipping = !IsListingComment(line);
                continue;
            }

            if (skipping)
            {
                continue;
            }

            if (line.Trim().Length == 0)
            {
                if (current is not null)
                {
                    yield return Finish(current, recipients!);
                    current = null;
                }

                continue;
            }

            if (h.Success)
            {
                if (current is not null)
                {
                    yield return Finish(current, recipients!);
                }

                TimeSpan age;
                QueueText.TryParseEximAge(h.Groups["age"].Value, out age);
                QueueText.TryParseEximSize(h.Groups["size"].Value, out var size);
                var frozen = h.Groups["frozen"].Success;
                current = new QueueMessage
                {
                    Source = source,
                    ComputerName = computerName,
                    Id = h.Groups["id"].Value,
                    Queue = "input",
                    Sender = h.Groups["sender"].Value,
                    Size = size,
                    Age = age,
                    ArrivalTime = now - age,
                    State = frozen ? "Frozen" : "Deferred",
                };
                recipients = new List<QueueRecipient>();
                continue;
            }

            var r = current is null || line.Length > 2048 ? Match.Empty : Recipient.Match(line);
            if (current is not null && r.Success)
            {
                recipients!.Add(new QueueRecipient(r.Groups["addr"].Value, null, r.Groups["d"].Success));
                continue;
            }

            yield return Outcome<QueueMessage>.Failure(new ItemError(ErrorIds.QueueListingInvalid, OutageErrorCategory.ParserError,
                $"Line {lineNumber} of {origin} is not part of an exim -bp listing: '{Shorten(line)}'.", $"{origin}:{lineNumber}",
                "The rest of the listing was read; check that the file is 'exim -bp' output."));
        }

        if (current is not null)
        {
            yield return Finish(current, recipients!);
        }

        if (lines.LimitReached)
        {
            yield return Outcome<QueueMessage>.Failure(QueueText.PipedListingTooLong(origin, maxTotalChars, lineNumber, "exim -bpr"));
        }
    }

    private static bool IsListingComment(string line) =>
        line.StartsWith("# exim", StringComparison.Ordinal) && (line.Contains("-bp ") || line.Contains("-bp\t") || line.TrimEnd().EndsWith("-bp", StringComparison.Ordinal) || line.Contains("-bpr"))
        && !line.Contains("-bpc") && !line.Contains("exiqsumm");

    private static Outcome<QueueMessage> Finish(QueueMessage m, List<QueueRecipient> recipients)
    {
        m.Recipients = recipients;
        foreach (var r in recipients)
        {
            if (!r.Delivered && r.Domain.Length > 0)
            {
                m.NextHop = r.Domain;
                break;
            }
        }

        return Outcome<QueueMessage>.Success(m);
    }

    private static string Shorten(string s) => s.Length > 80 ? s.Substring(0, 80) + "…" : s;
}
