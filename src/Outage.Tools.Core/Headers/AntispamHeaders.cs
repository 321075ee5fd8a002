using System;
using System.Collections.Generic;
using System.Globalization;

namespace Outage.Tools.Core.Headers;

/// <summary>One decoded field of an anti-spam header, e.g. SFV:NSPM of X-Forefront-Antispam-Report.</summary>
public sealed class AntispamField
{
    /// <summary>The message file (or "&lt;content&gt;", or the queued message's name).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>The header the field came from, as written (X-Forefront-Antispam-Report, X-Microsoft-Antispam...).</summary>
    public string Header { get; set; } = string.Empty;

    /// <summary>The line of the message the header starts on.</summary>
    public int Line { get; set; }

    /// <summary>The field's key, trimmed (the documented spelling for known keys: SCL, SFV, CAT...).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The value, trimmed; empty when the header carries the key without a value ("CTRY:;").</summary>
    public string Value { get; set; } = string.Empty;

    /// <summary>What the field is ("Spam filtering verdict"), or null for a field Microsoft keeps for diagnostics.</summary>
    public string? Name { get; set; }

    /// <summary>The documented meaning of this value, or null when the value speaks for itself or is not documented.</summary>
    public string? Meaning { get; set; }

    /// <summary>The field could not be read as documented (a warning says why): no "key:" or a level out of range.</summary>
    public bool Malformed { get; set; }

    public override string ToString() => $"{Key}:{Value}";
}

/// <summary>
/// Decodes the anti-spam headers Exchange Online Protection and Exchange write, with the field meanings of Microsoft
/// Learn "Anti-spam message headers in Microsoft 365" (defender-office-365/message-headers-eop-mdo), "Spam confidence
/// level", "Bulk complaint level", and the fields Message Header Analyzer shows (../shared/reference/new-capabilities.md
/// section 2.6). Fields are "key:value" pairs separated by ';'; unlike MHA, keys are trimmed, so the spaced form
/// "CIP:192.0.2.1; CTRY:DE; LANG:en" that folded headers show is read too. Fields Microsoft does not describe
/// (SFS, RULEID, SRVR...) are kept with no name: they are for Microsoft's anti-spam team.
/// </summary>
public static class AntispamHeaders
{
    public const string ForefrontReport = "X-Forefront-Antispam-Report";
    public const string MicrosoftAntispam = "X-Microsoft-Antispam";
    public const string MailboxDelivery = "X-Microsoft-Antispam-Mailbox-Delivery";
    public const string OrganizationScl = "X-MS-Exchange-Organization-SCL";
    public const string OrganizationPcl = "X-MS-Exchange-Organization-PCL";

    /// <summary>A field of an anti-spam header: its name, the meaning of each value, and the numbers it may hold.</summary>
    private sealed class Definition
    {
        public Definition(string key, string name, Func<string, string?>? meaning = null, int? minimum = null, int? maximum = null)
        {
            Key = key;
            Name = name;
            Meaning = meaning ?? (_ => null);
            Minimum = minimum;
            Maximum = maximum;
        }

        public string Key { get; }

        public string Name { get; }

        public Func<string, string?> Meaning { get; }

        public int? Minimum { get; }

        public int? Maximum { get; }
    }

    private static Func<string, string?> Table(params string[] pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            map[pairs[i]] = pairs[i + 1];
        }

        return v => map.TryGetValue(v, out var m) ? m : null;
    }

    /// <summary>Spam confidence level (Microsoft Learn "Spam confidence level (SCL) in EOP").</summary>
    public static string? SclMeaning(int scl) => scl switch
    {
        -1 => "Not spam: filtering skipped (safe sender, trusted or internal mail, or a mail flow rule); delivered to the Inbox",
        0 or 1 => "Not spam: delivered to the Inbox",
        5 or 6 => "Spam: delivered to the Junk Email folder or quarantined, as the anti-spam policy says",
        9 => "High confidence spam: delivered to the Junk Email folder or quarantined, as the anti-spam policy says",
        _ => "Not assigned by spam filtering (set by a mail flow rule or another filter)",
    };

    /// <summary>Bulk complaint level (Microsoft Learn "Bulk complaint level (BCL) in EOP").</summary>
    public static string BclMeaning(int bcl) => bcl switch
    {
        0 => "Not from a bulk sender",
        <= 3 => "Bulk sender that generates few complaints",
        <= 7 => "Bulk sender that generates a mixed number of complaints",
        _ => "Bulk sender that generates a high number of complaints",
    };

    /// <summary>Phishing confidence level (Microsoft Learn, earlier "Anti-spam message headers").</summary>
    public static string PclMeaning(int pcl) => pcl <= 3 ? "Content not likely to be phishing" : "Content likely to be phishing";

    private static string? Number(string value, Func<int, string?> meaning) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? meaning(n) : null;

    private static readonly Definition Scl = new("SCL", "Spam confidence level", v => Number(v, SclMeaning), -1, 9);
    private static readonly Definition Bcl = new("BCL", "Bulk complaint level", v => Number(v, BclMeaning), 0, 9);
    private static readonly Definition Pcl = new("PCL", "Phishing confidence level", v => Number(v, PclMeaning), 0, 8);

    // X-Forefront-Antispam-Report (Microsoft Learn table "X-Forefront-Antispam-Report message header fields").
    private static readonly Dictionary<string, Definition> Forefront = Index(
        new Definition("ARC", "ARC protocol (AAR, AMS, AS with cv=none|pass|fail)"),
        new Definition("CAT", "Protection policy category applied", Table(
            "NONE", "No protection policy category",
            "AMP", "Anti-malware",
            "BIMP", "Brand impersonation",
            "BULK", "Bulk",
            "DIMP", "Domain impersonation",
            "FTBP", "Anti-malware file type policy",
            "GIMP", "Mailbox intelligence based impersonation",
            "HPHSH", "High confidence phishing",
            "HPHISH", "High confidence phishing",
            "HSPM", "High confidence spam",
            "INTOS", "Intra-organization phishing",
            "MALW", "Malware",
            "OSPM", "Outbound spam",
            "PHSH", "Phishing",
            "SAP", "Safe Attachments",
            "SPM", "Spam",
            "SPOOF", "Spoofing",
            "UIMP", "User impersonation")),
        new Definition("CIP", "Connecting IP address"),
        new Definition("CTRY", "Source country of the connecting IP address"),
        new Definition("DIR", "Direction", Table("INB", "Inbound", "OUT", "Outbound", "INT", "Internal (intra-organization)")),
        new Definition("H", "HELO or EHLO name of the connecting server"),
        new Definition("IPV", "IP reputation", Table(
            "CAL", "Spam filtering skipped: the source IP address is in the IP Allow List",
            "NLI", "The IP address is not on any IP reputation list")),
        new Definition("LANG", "Language of the message"),
        Pcl,
        new Definition("PTR", "Reverse DNS (PTR) of the source IP address"),
        Scl,
        new Definition("SFS", "Spam filter rules matched (diagnostic)"),
        new Definition("SFTY", "Safety tip (phishing)", Table(
            "9.19", "Domain impersonation: the sending domain impersonates a protected domain",
            "9.20", "User impersonation: the sender impersonates a user of the organization or a protected user",
            "9.25", "First contact safety tip")),
        new Definition("SFV", "Spam filtering verdict", Table(
            "BLK", "Filtering skipped and blocked: the sender is in a user's Blocked Senders list",
            "NSPM", "Not spam: delivered to the intended recipients",
            "SFE", "Filtering skipped and allowed: the sender is in a user's Safe Senders list",
            "SKA", "Filtering skipped, delivered to the Inbox: the sender is allowed by an anti-spam policy",
            "SKB", "Marked as spam: the sender is blocked by an anti-spam policy",
            "SKI", "Filtering skipped for another reason (for example intra-organization mail)",
            "SKN", "Marked as not spam before filtering (SCL -1 or a mail flow rule)",
            "SKQ", "Released from quarantine to the intended recipients",
            "SKS", "Marked as spam before filtering (for example SCL 5 to 9 set by a mail flow rule)",
            "SPM", "Marked as spam by spam filtering")),
        new Definition("SRV", "Bulk verdict", Table("BULK", "Identified as bulk mail by spam filtering and the BCL threshold")),
        new Definition("X-CustomSpam", "Advanced Spam Filter (ASF) option matched"));

    // X-Microsoft-Antispam (table "X-Microsoft-Antispam message header fields").
    private static readonly Dictionary<string, Definition> Microsoft = Index(Bcl, Pcl);

    // X-Microsoft-Antispam-Mailbox-Delivery: the folder the mailbox put the message in (dest:), as MHA's rules read it.
    private static readonly Dictionary<string, Definition> Mailbox = Index(
        new Definition("dest", "Destination folder", Table("I", "Inbox", "J", "Junk Email folder", "C", "Custom folder")));

    private static Dictionary<string, Definition> Index(params Definition[] definitions)
    {
        var index = new Dictionary<string, Definition>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in definitions)
        {
            index[d.Key] = d;
        }

        return index;
    }

    /// <summary>Whether this header is one the decoder reads (the "-Untrusted" copies from other tenants too).</summary>
    public static bool IsAntispamHeader(string name) => Definitions(name) is not null || IsSingleValue(name);

    private static bool IsSingleValue(string name) =>
        name.Equals(OrganizationScl, StringComparison.OrdinalIgnoreCase) || name.Equals(OrganizationPcl, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, Definition>? Definitions(string name)
    {
        var n = name.EndsWith("-Untrusted", StringComparison.OrdinalIgnoreCase) ? name.Substring(0, name.Length - "-Untrusted".Length) : name;
        return n.Equals(ForefrontReport, StringComparison.OrdinalIgnoreCase) ? Forefront
            : n.Equals(MicrosoftAntispam, StringComparison.OrdinalIgnoreCase) ? Microsoft
            : n.Equals(MailboxDelivery, StringComparison.OrdinalIgnoreCase) ? Mailbox
            : null;
    }

    /// <summary>
    /// The fields of one anti-spam header. Malformed parts (a pair without ':', a level that is not a number in its
    /// range) are kept as far as they can be and reported in <paramref name="warnings"/> with the header and line.
    /// </summary>
    public static List<AntispamField> Parse(HeaderField header, string source, ICollection<string> warnings)
    {
        var fields = new List<AntispamField>();
        if (IsSingleValue(header.Name))
        {
            var definition = header.Name.Equals(OrganizationScl, StringComparison.OrdinalIgnoreCase) ? Scl : Pcl;
            fields.Add(Field(header, source, definition.Key, header.Value.Trim(), definition, warnings));
            return fields;
        }

        var table = Definitions(header.Name);
        if (table is null)
        {
            return fields;
        }

        var position = 0;
        foreach (var part in header.Value.Split(';'))
        {
            var pair = part.Trim();
            if (pair.Length == 0)
            {
                continue;
            }

            position++;
            var colon = pair.IndexOf(':');
            if (colon <= 0)
            {
                warnings.Add($"{source}: line {header.Line}: {header.Name} field {position} '{Clip(pair)}' is not 'key:value'; it is kept as a key without a value.");
                fields.Add(new AntispamField { Source = source, Header = header.Name, Line = header.Line, Key = colon == 0 ? string.Empty : pair, Value = colon == 0 ? pair.Substring(1) : string.Empty, Malformed = true });
                continue;
            }

            var key = pair.Substring(0, colon).Trim();
            var value = pair.Substring(colon + 1).Trim();
            table.TryGetValue(key, out var known);
            fields.Add(Field(header, source, known?.Key ?? key, value, known, warnings));
        }

        return fields;
    }

    private static AntispamField Field(HeaderField header, string source, string key, string value, Definition? definition, ICollection<string> warnings)
    {
        var field = new AntispamField { Source = source, Header = header.Name, Line = header.Line, Key = key, Value = value, Name = definition?.Name };
        if (definition is null)
        {
            return field;
        }

        if (definition.Minimum is { } min && definition.Maximum is { } max
            && (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < min || n > max))
        {
            warnings.Add($"{source}: line {header.Line}: {header.Name} {key} '{Clip(value)}' is not a number from {min} to {max}.");
            field.Malformed = true;
            return field;
        }

        field.Meaning = value.Length == 0 ? null : definition.Meaning(value);
        return field;
    }

    internal static string Clip(string s) => s.Length <= 60 ? s : s.Substring(0, 57) + "...";
}
