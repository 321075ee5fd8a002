using System;

namespace Outage.Tools.Core.Checks;

/// <summary>Parses the short queue source form of -Queue and --queue: <c>KIND:PATH</c> or <c>KIND</c>.</summary>
public static class QueueSpec
{
    public static readonly string[] Kinds = { "postqueue-json", "postfix", "exim-bp", "exim", "spool", "exchange-csv", "exchange-clixml" };

    public static QueueSourceSpec Parse(string text, Func<string, string> resolvePath)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException("A queue source is empty.");
        }

        var colon = text.IndexOf(':');
        var kind = (colon < 0 ? text : text.Substring(0, colon)).Trim().ToLowerInvariant();
        if (Array.IndexOf(Kinds, kind) < 0)
        {
            throw new FormatException($"'{text}' is not a queue source: use KIND:PATH with KIND one of {string.Join(", ", Kinds)}.");
        }

        var rest = colon < 0 ? null : text.Substring(colon + 1);
        return kind switch
        {
            "postfix" => new QueueSourceSpec { Kind = kind, ConfigDirectory = string.IsNullOrEmpty(rest) ? null : resolvePath(rest!) },
            "exim" => new QueueSourceSpec { Kind = kind, ConfigDirectory = string.IsNullOrEmpty(rest) ? null : resolvePath(rest!) },
            _ when string.IsNullOrEmpty(rest) => throw new FormatException($"The queue source '{text}' needs a path: {kind}:PATH."),
            _ => new QueueSourceSpec { Kind = kind, Path = resolvePath(rest!) },
        };
    }
}
