using System;
using System.Globalization;

namespace Outage.Tools.Core.Logs;

/// <summary>
/// Turns the timestamps of mail logs into absolute times.
/// <list type="bullet">
/// <item>Zone: a timestamp with an offset (RFC 3339, Exim with log_timezone, Exchange's UTC "Z") is taken as
/// written. A timestamp without one (traditional syslog, Postfix maillog_file, Exim's default) is local time of
/// the server that wrote it: read in <see cref="Offset"/> when given, else in this machine's time zone.</item>
/// <item>Year (traditional syslog "Mmm dd HH:MM:SS" and maillog_file have none): the given year when there is one;
/// else the latest year in which that date is not later than one day after the file was last written. Unlike
/// pflogsumm's rule (last year when the month is after the current month), this reads old logs and logs that span
/// New Year right: December lines of a log written in January are last year's.</item>
/// </list>
/// </summary>
public sealed class LogClock
{
    private static readonly string[] Months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    private readonly DateTime _latest;
    private readonly int? _year;
    private string? _lastKey;
    private DateTimeOffset _lastValue;

    /// <param name="written">When the log was last written (local time of this machine); bounds the inferred year.</param>
    /// <param name="year">The year of every zone-less, year-less date, or null to infer it.</param>
    /// <param name="offset">The UTC offset of zone-less timestamps, or null for this machine's zone.</param>
    public LogClock(DateTime written, int? year, TimeSpan? offset)
    {
        _latest = written.AddDays(1);
        _year = year;
        Offset = offset;
    }

    /// <summary>The UTC offset of zone-less timestamps; null means this machine's time zone.</summary>
    public TimeSpan? Offset { get; }

    /// <summary>A local wall-clock time of the log's server as an absolute time.</summary>
    public DateTimeOffset Local(DateTime wall)
    {
        var offset = Offset ?? TimeZoneInfo.Local.GetUtcOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified));
        return new DateTimeOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), offset);
    }

    /// <summary>
    /// Reads "Mmm dd HH:MM:SS" (syslog, RFC 3164 section 4.1.2: day space-padded) or "Mmm 0d HH:MM:SS"
    /// (postlogd's strftime("%b %d %H:%M:%S")) at the start of <paramref name="line"/>; returns the length read.
    /// </summary>
    public int TryTraditional(string line, out DateTimeOffset time)
    {
        time = default;
        if (line.Length < 15)
        {
            return 0;
        }

        if (_lastKey is not null && string.CompareOrdinal(line, 0, _lastKey, 0, 15) == 0)
        {
            time = _lastValue;
            return 15;
        }

        var key = line.Substring(0, 15);

        var month = Array.IndexOf(Months, key.Substring(0, 3)) + 1;
        if (month == 0 || key[3] != ' ')
        {
            return 0;
        }

        var d1 = key[4];
        var d2 = key[5];
        int day;
        if (d1 == ' ' || d1 == '0')
        {
            day = Digit(d2);
        }
        else
        {
            day = Digit(d1) * 10 + Digit(d2);
        }

        if (day < 1 || day > 31 || key[6] != ' ' || !TryClock(key, 7, out var hour, out var minute, out var second))
        {
            return 0;
        }

        var year = _year ?? _latest.Year;
        DateTime wall = default;
        for (var i = 0; i < 8; i++, year--)
        {
            if (day <= DateTime.DaysInMonth(year, month))
            {
                wall = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Unspecified);
                if (_year is not null || wall <= _latest)
                {
                    break;
                }
            }
        }

        if (wall == default)
        {
            return 0;
        }

        time = Local(wall);
        _lastKey = key;
        _lastValue = time;
        return 15;
    }

    /// <summary>
    /// Reads an RFC 3339 timestamp (section 5.6) "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm)" at the start of
    /// <paramref name="line"/>, as rsyslog's high-precision file format writes it; returns the length read.
    /// </summary>
    public static int TryRfc3339(string line, out DateTimeOffset time)
    {
        time = default;
        if (line.Length < 20 || line[4] != '-' || line[7] != '-' || (line[10] != 'T' && line[10] != 't'))
        {
            return 0;
        }

        var end = line.IndexOf(' ', 19);
        if (end < 0)
        {
            return 0;
        }

        var text = line.Substring(0, end);
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time))
        {
            return 0;
        }

        // A zone is required by RFC 3339; reject a bare local time.
        var last = text[text.Length - 1];
        return last == 'Z' || last == 'z' || text.LastIndexOf('+') > 10 || text.LastIndexOf('-') > 10 ? end : 0;
    }

    private readonly string?[] _interned = new string?[64];

    /// <summary>
    /// The substring, shared with earlier lines that had the same text (host and program names repeat on every
    /// line of a log: one string each instead of one per line).
    /// </summary>
    internal string Intern(string s, int start, int length)
    {
        var hash = length;
        for (var i = start; i < start + length; i++)
        {
            hash = (hash * 31) + s[i];
        }

        var slot = hash & 63;
        var known = _interned[slot];
        if (known is not null && known.Length == length && string.CompareOrdinal(s, start, known, 0, length) == 0)
        {
            return known;
        }

        known = s.Substring(start, length);
        _interned[slot] = known;
        return known;
    }

    internal static bool TryClock(string s, int at, out int hour, out int minute, out int second)
    {
        hour = minute = second = -1;
        if (s.Length < at + 8 || s[at + 2] != ':' || s[at + 5] != ':')
        {
            return false;
        }

        hour = Digit(s[at]) * 10 + Digit(s[at + 1]);
        minute = Digit(s[at + 3]) * 10 + Digit(s[at + 4]);
        second = Digit(s[at + 6]) * 10 + Digit(s[at + 7]);
        return hour is >= 0 and < 24 && minute is >= 0 and < 60 && second is >= 0 and < 61;
    }

    internal static int Digit(char c) => c >= '0' && c <= '9' ? c - '0' : -100;
}
