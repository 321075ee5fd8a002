using System.Reflection;
using System.Text;
using Outage.Tools.Core.Mime;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>Helpers: message templates with a <c>^^</c> marker where a finding must point, in LF and CRLF.</summary>
internal static class MimeTestKit
{
    public const string Marker = "^^";

    public static string RepoRoot { get; } = typeof(MimeTestKit).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepoRoot").Value!;

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "fixtures", "mime", name);

    /// <summary>The standard top-level header of a valid message (5 fields), LF line ends.</summary>
    public const string Head = "From: Alice <alice@example.com>\nTo: bob@example.com\nDate: Mon, 4 Mar 2024 10:00:00 +0000\nMessage-ID: <1@example.com>\nSubject: hi\n";

    /// <summary>Bytes of a template (chars are octets, Latin-1) with \n turned into the given line end; the marker's offset or -1.</summary>
    public static (byte[] Bytes, long Offset) Build(string template, string newline)
    {
        var text = newline == "\n" ? template : template.Replace("\n", newline, StringComparison.Ordinal);
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            text = text.Remove(at, Marker.Length);
        }

        return (Encoding.Latin1.GetBytes(text), at);
    }

    public static IReadOnlyList<MimeFinding> Lint(byte[] bytes, MimeLintOptions? options = null, int chunk = 0)
    {
        var linter = new MimeLinter(options);
        if (chunk <= 0)
        {
            linter.Feed(bytes, 0, bytes.Length);
        }
        else
        {
            for (var i = 0; i < bytes.Length; i += chunk)
            {
                // Copy so the linter cannot see beyond the chunk.
                var part = bytes.Skip(i).Take(chunk).ToArray();
                linter.Feed(part, 0, part.Length);
            }
        }

        return linter.Finish();
    }

    public static string Describe(IEnumerable<MimeFinding> findings) => string.Join("; ", findings.Select(f => f.ToString()));
}
