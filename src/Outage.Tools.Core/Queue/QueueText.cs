using System;
using System.Globalization;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

internal static class QueueText
{
    /// <summary>
    /// The error that ends a listing read through a pipe or FIFO at <see cref="QueueSource.MaxPipedListingChars"/>: it
    /// names the source, says what was read and how to read all of it (a saved file has no cap).
    /// </summary>
    public static ItemError PipedListingTooLong(string origin, long maxChars, long lines, string tool)
    {
        var json = tool.StartsWith("postqueue", StringComparison.Ordinal);
        var file = json ? "queue.jsonl" : "queue.txt";
        return new ItemError(json ? ErrorIds.QueueJsonInvalid : ErrorIds.QueueListingInvalid, OutageErrorCategory.LimitsExceeded,
            FormattableString.Invariant($"{origin} gave more than {maxChars:N0} characters ({lines:N0} lines) through a pipe without ending; a listing that is not a saved file is read only that far, and the rest was not read."),
            origin, $"Save the listing to a file and read that, which has no such limit: {tool} > {file}, then -Path / --path {file}.");
    }

    public static string SourceName(QueueSourceKind kind) => kind switch
    {
        QueueSourceKind.Postfix => "postfix",
        QueueSourceKind.PostqueueJson => "postqueue-json",
        QueueSourceKind.Exim => "exim",
        QueueSourceKind.EximListing => "exim-bp",
        QueueSourceKind.Exchange => "exchange",
        _ => "spool",
    };

    /// <summary>The domain of an address, lower case: the text after the last '@', else empty.</summary>
    /// <summary>
    /// Wrappers a delay reason may carry that do not change the cause, so reasons count together (rules as data).
    /// Postfix qmgr: once a destination is marked dead, the next messages get "delivery temporarily suspended: "
    /// followed by the reason that made it dead (qmgr(8), the dead destination cache).
    /// </summary>
    internal static readonly string[] ReasonPrefixes = { "delivery temporarily suspended: " };

    /// <summary>A delay reason without the wrappers of <see cref="ReasonPrefixes"/>.</summary>
    public static string NormalizeReason(string reason)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var prefix in ReasonPrefixes)
            {
                if (reason.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && reason.Length > prefix.Length)
                {
                    reason = reason.Substring(prefix.Length);
                    changed = true;
                }
            }
        }

        return reason;
    }

    public static string DomainOf(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return string.Empty;
        }

        var a = address!.Trim().Trim('<', '>');
        var at = a.LastIndexOf('@');
        return at < 0 ? string.Empty : a.Substring(at + 1).ToLowerInvariant();
    }

    /// <summary>
    /// The key qshape(1) uses for an address (qshape.pl, sub wanted): lower case, empty is MAILER-DAEMON,
    /// everything up to the last '@' removed, '..' collapsed, one leading and trailing dot removed.
    /// </summary>
    public static string QshapeKey(string? address)
    {
        // postqueue/showq print the null sender as MAILER-DAEMON; qshape reads "" from the queue file.
        var a = address ?? string.Empty;
        if (a.Length == 0 || string.Equals(a, "MAILER-DAEMON", StringComparison.Ordinal))
        {
            return "MAILER-DAEMON";
        }

        var at = a.LastIndexOf('@');
        if (at >= 0)
        {
            a = a.Substring(at + 1);
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] >= 'A' && a[i] <= 'Z' || a[i] > 0x7f)
            {
                a = a.ToLowerInvariant();
                break;
            }
        }

        if (a.IndexOf("..", StringComparison.Ordinal) >= 0)
        {
            a = a.Replace("..", ".");
        }
        if (a.Length > 1 && a[0] == '.')
        {
            a = a.Substring(1);
        }

        if (a.Length > 1 && a[a.Length - 1] == '.')
        {
            a = a.Substring(0, a.Length - 1);
        }

        return a;
    }

    /// <summary>Exim ages (exim(8) -bp): <c>25m</c>, <c>2h</c>, <c>3d</c>, <c>40s</c>, <c>1w</c>.</summary>
    private const long MaxEximAgeSeconds = 100L * 36525 * 86400 / 100; // 100 years of 365.25 days

    public static bool TryParseEximAge(string text, out TimeSpan age)
    {
        age = TimeSpan.Zero;
        if (text.Length < 2 || !long.TryParse(text.Substring(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        long unit;
        switch (text[text.Length - 1])
        {
            case 's': unit = 1; break;
            case 'm': unit = 60; break;
            case 'h': unit = 3600; break;
            case 'd': unit = 86400; break;
            case 'w': unit = 7 * 86400; break;
            default: return false;
        }

        // An age beyond what a TimeSpan holds (9999999999d) is not an age: refused, not an overflow. Nor is one of more
        // than a century, whose arrival time (now - age) may not even be representable (found by fuzzing).
        if (n > MaxEximAgeSeconds / unit)
        {
            return false;
        }

        age = TimeSpan.FromSeconds(n * unit);
        return true;
    }

    /// <summary>Exim sizes: bytes, or <c>2.9K</c>, <c>15K</c>, <c>1.2M</c> (1024-based, as exim prints them).</summary>
    public static bool TryParseEximSize(string text, out long size)
    {
        size = 0;
        if (text.Length == 0)
        {
            return false;
        }

        var mult = 1L;
        var last = char.ToUpperInvariant(text[text.Length - 1]);
        var num = text;
        if (last == 'K' || last == 'M' || last == 'G')
        {
            mult = last == 'K' ? 1024L : last == 'M' ? 1024L * 1024 : 1024L * 1024 * 1024;
            num = text.Substring(0, text.Length - 1);
        }

        if (!double.TryParse(num, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v))
        {
            return false;
        }

        size = (long)Math.Round(v * mult);
        return true;
    }

    /// <summary>Durations like <c>30m</c>, <c>2h</c>, <c>1d</c>, <c>90s</c>, or a .NET TimeSpan (<c>00:30:00</c>).</summary>
    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text!.Trim();
        return TryParseEximAge(t, out value) || TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out value);
    }
}
