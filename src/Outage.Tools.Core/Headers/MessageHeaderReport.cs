using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Headers;

/// <summary>
/// What an Exchange administrator reads in a message's header, as Message Header Analyzer shows it: the summary, the
/// Received chain with its delays, the decoded anti-spam headers and the authentication results. The scalar
/// properties are the verdicts for a table or CSV; <see cref="Hops"/>, <see cref="Antispam"/> and
/// <see cref="Authentication"/> hold every row.
/// </summary>
public sealed class MessageHeaderReport
{
    public string Source { get; set; } = string.Empty;

    public string? Subject { get; set; }

    public string? MessageId { get; set; }

    public string? From { get; set; }

    /// <summary>The Date header field (RFC 5322 section 3.6.1), or null when missing or unreadable.</summary>
    public DateTimeOffset? Date { get; set; }

    /// <summary>The number of Received header fields.</summary>
    public int HopCount { get; set; }

    /// <summary>The last dated hop minus the first (negative when the clocks say so), as on every hop.</summary>
    public TimeSpan? TotalDelay { get; set; }

    /// <summary>The largest hop delay, and the hop it was at (<see cref="SlowestHop"/>).</summary>
    public TimeSpan? LongestDelay { get; set; }

    public int? SlowestHop { get; set; }

    /// <summary>Hops whose delay is negative (clock skew between two servers).</summary>
    public int ClockSkewHops { get; set; }

    /// <summary>The spam confidence level: X-Forefront-Antispam-Report SCL, else X-MS-Exchange-Organization-SCL.</summary>
    public int? Scl { get; set; }

    /// <summary>The spam filtering verdict (SFV: NSPM, SPM, SKN...).</summary>
    public string? Sfv { get; set; }

    /// <summary>The protection policy category (CAT: NONE, SPM, PHSH, BULK...).</summary>
    public string? Cat { get; set; }

    /// <summary>The bulk complaint level (X-Microsoft-Antispam BCL).</summary>
    public int? Bcl { get; set; }

    /// <summary>INB, OUT or INT (DIR).</summary>
    public string? Direction { get; set; }

    /// <summary>The connecting IP address (CIP) and its country (CTRY).</summary>
    public string? ClientIp { get; set; }

    public string? Country { get; set; }

    /// <summary>
    /// The results of the topmost Authentication-Results header that has each method (the one the last receiving
    /// server added): spf, dkim, dmarc and compauth, e.g. "pass", or null when no header says.
    /// </summary>
    public string? Spf { get; set; }

    public string? Dkim { get; set; }

    public string? Dmarc { get; set; }

    public string? CompAuth { get; set; }

    /// <summary>The compauth reason code (Exchange Online), e.g. "100".</summary>
    public string? CompAuthReason { get; set; }

    /// <summary>What deserves a look, after Message Header Analyzer's rules (<see cref="HeaderFindings"/>): failed SPF/DKIM/DMARC, spam verdicts, a folder that contradicts the verdict.</summary>
    public string[] Findings { get; set; } = Array.Empty<string>();

    public ReceivedHop[] Hops { get; set; } = Array.Empty<ReceivedHop>();

    public AntispamField[] Antispam { get; set; } = Array.Empty<AntispamField>();

    public AuthenticationResult[] Authentication { get; set; } = Array.Empty<AuthenticationResult>();

    public override string ToString() => $"{Source}: {HopCount} hops, SCL {Scl?.ToString(CultureInfo.InvariantCulture) ?? "-"}, spf={Spf ?? "-"} dkim={Dkim ?? "-"} dmarc={Dmarc ?? "-"}";
}

/// <summary>The header reports of messages (Get-MessageHeaderReport, <c>outage mime headers</c>): only the header section is read.</summary>
public static class MessageHeaderReports
{
    public static IEnumerable<Outcome<MessageHeaderReport>> Run(IEnumerable<MimeInput> inputs, CancellationToken cancellationToken = default)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs));
        }

        return Iterate(inputs, cancellationToken);
    }

    private static IEnumerable<Outcome<MessageHeaderReport>> Iterate(IEnumerable<MimeInput> inputs, CancellationToken ct)
    {
        foreach (var input in inputs)
        {
            ct.ThrowIfCancellationRequested();
            var (fields, error) = HeaderInput.Read(input, HeaderSection.Read, ct);
            if (error is not null)
            {
                yield return Outcome<MessageHeaderReport>.Failure(error);
                continue;
            }

            var warnings = new List<string>();
            var report = Build(fields!, input.Name, warnings);
            foreach (var w in warnings)
            {
                yield return Outcome<MessageHeaderReport>.Warn(w);
            }

            yield return Outcome<MessageHeaderReport>.Success(report);
        }
    }

    /// <summary>The report of a header section read by <see cref="HeaderSection.Read"/>; malformed values go to <paramref name="warnings"/>.</summary>
    public static MessageHeaderReport Build(IReadOnlyList<HeaderField> fields, string source, ICollection<string> warnings)
    {
        var report = new MessageHeaderReport { Source = source };
        var received = new List<string>();
        var antispam = new List<AntispamField>();
        var authentication = new List<AuthenticationResult>();
        foreach (var field in fields)
        {
            switch (field.Name.ToLowerInvariant())
            {
                case "received":
                    received.Add(field.Value);
                    continue;
                case "subject":
                    report.Subject ??= field.Value;
                    continue;
                case "message-id":
                    report.MessageId ??= field.Value;
                    continue;
                case "from":
                    report.From ??= field.Value;
                    continue;
                case "date":
                    if (report.Date is null)
                    {
                        report.Date = ReceivedChain.ParseDate(field.Value);
                        if (report.Date is null)
                        {
                            warnings.Add($"{source}: line {field.Line}: Date '{AntispamHeaders.Clip(field.Value)}' could not be read as a date-time (RFC 5322 section 3.3).");
                        }
                    }

                    continue;
            }

            if (AntispamHeaders.IsAntispamHeader(field.Name))
            {
                antispam.AddRange(AntispamHeaders.Parse(field, source, warnings));
            }
            else if (AuthenticationResults.IsAuthenticationHeader(field.Name))
            {
                authentication.AddRange(AuthenticationResults.Parse(field, source, warnings));
            }
        }

        var hops = ReceivedChain.Hops(received);
        foreach (var hop in hops)
        {
            hop.Source = source;
            if (hop.Delay is { } d && (report.LongestDelay is null || d > report.LongestDelay))
            {
                report.LongestDelay = d;
                report.SlowestHop = hop.Hop;
            }

            report.ClockSkewHops += hop.ClockSkew ? 1 : 0;
        }

        report.Hops = hops.ToArray();
        report.HopCount = hops.Count;
        report.TotalDelay = ReceivedChain.Total(hops);
        report.Antispam = antispam.ToArray();
        report.Authentication = authentication.ToArray();

        // The trusted report (not the "-Untrusted" copy another tenant wrote), first occurrence (the topmost) wins.
        string? Antispam(string header, string key)
        {
            foreach (var f in antispam)
            {
                if (f.Header.Equals(header, StringComparison.OrdinalIgnoreCase) && f.Key.Equals(key, StringComparison.OrdinalIgnoreCase) && f.Value.Length > 0 && !f.Malformed)
                {
                    return f.Value;
                }
            }

            return null;
        }

        static int? Level(string? v) => int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

        report.Scl = Level(Antispam(AntispamHeaders.ForefrontReport, "SCL")) ?? Level(Antispam(AntispamHeaders.OrganizationScl, "SCL"));
        report.Sfv = Antispam(AntispamHeaders.ForefrontReport, "SFV");
        report.Cat = Antispam(AntispamHeaders.ForefrontReport, "CAT");
        report.Bcl = Level(Antispam(AntispamHeaders.MicrosoftAntispam, "BCL"));
        report.Direction = Antispam(AntispamHeaders.ForefrontReport, "DIR");
        report.ClientIp = Antispam(AntispamHeaders.ForefrontReport, "CIP");
        report.Country = Antispam(AntispamHeaders.ForefrontReport, "CTRY");

        AuthenticationResult? Method(string method)
        {
            foreach (var r in authentication)
            {
                if (r.Header.Equals(AuthenticationResults.HeaderName, StringComparison.OrdinalIgnoreCase) && r.Method == method)
                {
                    return r;
                }
            }

            return null;
        }

        report.Spf = Method("spf")?.Result;
        report.Dkim = Method("dkim")?.Result;
        report.Dmarc = Method("dmarc")?.Result;
        var compauth = Method("compauth");
        report.CompAuth = compauth?.Result;
        report.CompAuthReason = compauth?.Reason;
        report.Findings = HeaderFindings.Of(report);
        return report;
    }
}
