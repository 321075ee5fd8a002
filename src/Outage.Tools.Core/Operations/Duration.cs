using System;
using System.Globalization;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// The one way every time parameter is written, in the module and the CLI alike: a number with a unit
/// (<c>30s</c>, <c>5m</c>, <c>1h</c>, <c>2d</c>, <c>1w</c>, fractions such as <c>1.5s</c> and <c>500ms</c> too),
/// a .NET TimeSpan (<c>00:05:00</c>, <c>1.02:00:00</c>), or a plain number, which is seconds (never days, as
/// TimeSpan.Parse would read <c>2</c>).
/// </summary>
public static class Duration
{
    /// <summary>What the parameter's error text says it takes.</summary>
    public const string Forms = "30s, 5m, 1h, 2d, 00:05:00 or a number of seconds";

    /// <summary>Reads a duration; false when the text is none of the accepted forms.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text!.Trim();
        if (double.TryParse(t, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            return FromSeconds(seconds, out value);
        }

        var unit = t.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? 0.001
            : char.ToLowerInvariant(t[t.Length - 1]) switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, 'w' => 604800, _ => 0.0 };
        if (unit > 0)
        {
            var number = t.Substring(0, t.Length - (unit == 0.001 ? 2 : 1)).Trim();
            return double.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                && FromSeconds(n * unit, out value);
        }

        return t.Contains(":") && TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A number of seconds as a TimeSpan; false for NaN, infinity or out of TimeSpan's range.</summary>
    public static bool FromSeconds(double seconds, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>
    /// Checks a duration against its range before any work: outside it is an <see cref="OutageException"/> with
    /// <paramref name="errorId"/>, naming the parameter, the value and the range.
    /// </summary>
    public static TimeSpan Require(TimeSpan value, string parameter, TimeSpan minimum, TimeSpan maximum, string errorId)
    {
        if (value < minimum || value > maximum)
        {
            throw new OutageException(errorId, OutageErrorCategory.InvalidArgument,
                $"{parameter} {Format(value)} is outside {Format(minimum)} to {Format(maximum)}.", value,
                $"Give {parameter} between {Format(minimum)} and {Format(maximum)} ({Forms}).");
        }

        return value;
    }

    /// <summary>Parses and checks a duration given as text (the CLI); a text of none of the forms is <paramref name="errorId"/> too.</summary>
    public static TimeSpan Parse(string text, string parameter, TimeSpan minimum, TimeSpan maximum, string errorId)
    {
        if (!TryParse(text, out var value))
        {
            throw new OutageException(errorId, OutageErrorCategory.InvalidArgument,
                $"'{text}' is not a duration for {parameter}.", text, $"Write {parameter} as {Forms}.");
        }

        return Require(value, parameter, minimum, maximum, errorId);
    }

    /// <summary>Short text of a duration: 500ms, 30s, 5m, 1h30m, 2d.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.MaxValue)
        {
            return "unlimited";
        }

        if (value < TimeSpan.Zero)
        {
            return "-" + Format(value.Negate());
        }

        if (value > TimeSpan.Zero && value < TimeSpan.FromSeconds(1))
        {
            return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }

        var text = string.Empty;
        if (value.Days > 0)
        {
            text += value.Days.ToString(CultureInfo.InvariantCulture) + "d";
        }

        if (value.Hours > 0)
        {
            text += value.Hours.ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (value.Minutes > 0)
        {
            text += value.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }

        var seconds = value.Seconds + (value.Milliseconds / 1000.0);
        if (seconds > 0)
        {
            text += seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        return text.Length == 0 ? "0s" : text;
    }
}
