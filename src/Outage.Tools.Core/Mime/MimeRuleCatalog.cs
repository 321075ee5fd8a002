using System;
using System.Collections.Generic;
using System.Linq;

namespace Outage.Tools.Core.Mime;

/// <summary>
/// Every rule the MIME linter checks, with its default severity and the RFC section it comes from.
/// Rule ids are API (scripts filter on them): add rules, never rename or reuse one.
/// </summary>
public static class MimeRuleCatalog
{
    private static readonly MimeRule[] Rules =
    {
        // Line level: RFC 5322 §2.1 and §2.3, RFC 5321 §4.5.3.1.6.
        new("line-bare-lf", MimeRuleArea.Line, MimeSeverity.Warning,
            "A line ends in LF without CR in a message whose other lines end in CRLF (mixed line endings).", "RFC 5322 §2.3"),
        new("line-bare-cr", MimeRuleArea.Line, MimeSeverity.Error,
            "A CR that is not followed by LF.", "RFC 5322 §2.3",
            MimeImpact.Conditional, "the lone CR is in a header section",
            "Python email (compat32 and default) ends the header line at a lone CR and reads the rest as a field of its own, while MimeKit keeps it inside the field: ReferenceParserTests.BareCrInHeader_PythonSplitsTheField"),
        new("line-too-long", MimeRuleArea.Line, MimeSeverity.Error,
            "A line longer than 998 octets, excluding the CRLF, in the header or the body.", "RFC 5322 §2.1.1"),
        new("nul-byte", MimeRuleArea.Line, MimeSeverity.Error,
            "A NUL octet (0x00), which no MIME content transfer encoding allows.", "RFC 5322 §2.3; RFC 2045 §2.7-2.8"),
        new("8bit-header", MimeRuleArea.Header, MimeSeverity.Warning,
            "A non-ASCII octet in a header field outside an encoded word; Error when it is not valid UTF-8.", "RFC 5322 §2.2; RFC 6532 §3.2"),

        // Header section: RFC 5322 §2.2 and §3.6.
        new("header-no-colon", MimeRuleArea.Header, MimeSeverity.Error,
            "A line inside the header section that is neither a field (name, colon) nor a folded continuation.", "RFC 5322 §2.2",
            MimeImpact.Conditional, "the line is in the message header (part 0) and a field follows it, or the message starts with it",
            "Python email (both policies) ends the header at the colon-less line, so every field after it is read as body text: ReferenceParserTests.HeaderNoColon_FieldsAfterItAreLost; MimeKit refuses a message that starts with one: MimeKitDifferentialTests (CPython msg_19)"),
        new("header-invalid-name", MimeRuleArea.Header, MimeSeverity.Error,
            "A field name with characters other than printable ASCII except colon (for example a space before the colon).", "RFC 5322 §2.2, §3.6.8",
            MimeImpact.Conditional, "the name has white space or a control octet, in the message header (part 0), and a field follows it",
            "Python email (both policies) ends the header at such a line, so the fields after it become body text, while MimeKit reads on: ReferenceParserTests.InvalidName_PythonEndsTheHeader"),
        new("header-leading-continuation", MimeRuleArea.Header, MimeSeverity.Error,
            "The header section starts with a folded continuation line (white space) that has no field to continue.", "RFC 5322 §2.2.3",
            MimeImpact.Conditional, "it starts the message header (part 0)",
            "MimeKit refuses the message (FormatException 'Failed to parse message headers'): MimeKitDifferentialTests, shared malformed m28_first_header_line_is_continuation"),
        new("header-body-separator-missing", MimeRuleArea.Header, MimeSeverity.Error,
            "Content starts without the empty line that ends the header fields.", "RFC 5322 §2.1",
            MimeImpact.Conditional, "the message header has no field at all",
            "MimeKit refuses such a message (FormatException 'Failed to parse message headers'): MimeKitDifferentialTests (mime4j malformedHeader-noheader); after at least one field, MimeKit, Python email and we all start the content at the line"),
        new("header-too-long", MimeRuleArea.Header, MimeSeverity.Error,
            "One header field longer than the limit as Postfix counts it (name, colon and folded lines, one octet per line break; default 102400 octets, Postfix header_size_limit).", "Postfix header_size_limit; RFC 5322 §2.2.3",
            MimeImpact.Poison, null,
            "A stock Postfix 3.7 (header_size_limit 102400) drops the folded lines of a longer field and delivers the rest, so the recipient gets another header (and a broken DKIM signature); a field of exactly 102400 octets arrives unchanged: PostfixLimitsTests.HeaderSizeLimit_Postfix_drops_the_folded_lines_of_a_longer_field_and_keeps_one_at_the_limit"),
        new("header-count-excessive", MimeRuleArea.Header, MimeSeverity.Warning,
            "More header fields than the limit (default 1000).", "RFC 5322 §3.6"),
        new("missing-from", MimeRuleArea.Header, MimeSeverity.Error,
            "The top-level header has no From field.", "RFC 5322 §3.6"),
        new("missing-date", MimeRuleArea.Header, MimeSeverity.Error,
            "The top-level header has no Date field.", "RFC 5322 §3.6"),
        new("missing-message-id", MimeRuleArea.Header, MimeSeverity.Warning,
            "The top-level header has no Message-ID field (SHOULD be present).", "RFC 5322 §3.6.4"),
        new("duplicate-header", MimeRuleArea.Header, MimeSeverity.Error,
            "A field that may occur at most once (Date, From, Sender, Reply-To, To, Cc, Bcc, Message-ID, In-Reply-To, References, Subject) occurs more than once.", "RFC 5322 §3.6"),
        new("invalid-date", MimeRuleArea.Header, MimeSeverity.Error,
            "A Date (or Resent-Date) field that is not a date-time, obsolete forms included.", "RFC 5322 §3.3, §4.3"),
        new("invalid-address", MimeRuleArea.Header, MimeSeverity.Error,
            "An address field (From, Sender, Reply-To, To, Cc, Bcc, Resent-*) that is not an address list.", "RFC 5322 §3.4"),
        new("invalid-message-id", MimeRuleArea.Header, MimeSeverity.Error,
            "A Message-ID, In-Reply-To or References field that is not msg-id syntax.", "RFC 5322 §3.6.4"),
        new("encoded-word-invalid", MimeRuleArea.Header, MimeSeverity.Warning,
            "An RFC 2047 encoded word with bad syntax, encoding letter, payload, charset or length (over 75 characters).", "RFC 2047 §2, §4, §5"),
        new("received-hop-count", MimeRuleArea.Header, MimeSeverity.Error,
            "49 or more Received fields in the message header: with the one it adds, a Postfix relay counts hopcount_limit (50) and refuses it as a mail loop.", "RFC 5321 §6.3; Postfix hopcount_limit",
            MimeImpact.Poison, null,
            "A stock Postfix 3.7 (hopcount_limit 50) refuses a message with 49 Received fields at SMTP (554 5.4.0 Error: too many hops) and accepts one with 48: PostfixLimitsTests.HopcountLimit_Postfix_refuses_49_Received_fields_as_a_loop_and_accepts_48"),
        new("mbox-from-line", MimeRuleArea.Header, MimeSeverity.Warning,
            "The message starts with an mbox 'From ' separator line, which is not a header field; or a body line starts with 'From ', which mbox storage splits at or rewrites to '>From '.", "RFC 4155"),

        // MIME: RFC 2045, 2046, 2047, 2231.
        new("mime-version-missing", MimeRuleArea.Mime, MimeSeverity.Warning,
            "The message uses MIME fields (Content-Type, Content-Transfer-Encoding) but has no MIME-Version field.", "RFC 2045 §4"),
        new("content-type-invalid", MimeRuleArea.Mime, MimeSeverity.Error,
            "A Content-Type field that is not type/subtype with valid parameters.", "RFC 2045 §5.1"),
        new("mime-field-duplicate", MimeRuleArea.Mime, MimeSeverity.Error,
            "A second Content-Type or Content-Transfer-Encoding field in one header section (the first one counts).", "RFC 2045 §3",
            MimeImpact.Nonconforming, null,
            "MimeKit, Python email (both policies) and we all read the first field, whichever comes first, so the part tree and the decoded bytes are the same: ReferenceParserTests.DuplicateMimeFields_EveryParserReadsTheFirst_SoTheyAreNonconforming (Postfix's MIME processor follows each field in turn; no harm from that is shown here)"),
        new("mime-field-invalid", MimeRuleArea.Mime, MimeSeverity.Warning,
            "A MIME-Version that is not a version number, or a Content-Disposition without a disposition type.", "RFC 2045 §4; RFC 2183 §2"),
        new("multipart-no-boundary", MimeRuleArea.Mime, MimeSeverity.Error,
            "A multipart Content-Type without a boundary parameter.", "RFC 2046 §5.1.1"),
        new("boundary-invalid", MimeRuleArea.Mime, MimeSeverity.Error,
            "A boundary that is not 1-70 bchars or ends in a space.", "RFC 2046 §5.1.1"),
        new("boundary-not-found", MimeRuleArea.Mime, MimeSeverity.Error,
            "A multipart body in which the declared boundary never occurs.", "RFC 2046 §5.1.1",
            MimeImpact.Conditional, "the body has delimiter lines (\"--…\") of another boundary, so every part the sender wrote becomes preamble",
            "MimeKit and Python email read a multipart with no part: every part the sender wrote is hidden in the preamble (MimeKit's TextBody is empty): ReferenceParserTests.BoundaryNotFound_PartsBecomePreamble; a multipart whose body has no delimiter-like line loses no part"),
        new("boundary-close-missing", MimeRuleArea.Mime, MimeSeverity.Error,
            "A multipart body that ends without its close delimiter (--boundary--).", "RFC 2046 §5.1.1"),
        new("boundary-nested-conflict", MimeRuleArea.Mime, MimeSeverity.Error,
            "An inner boundary that an enclosing multipart's delimiter line would match.", "RFC 2046 §5.1.2",
            MimeImpact.Conditional, "the inner boundary is the outer one followed only by \"-\" or white space, so an inner delimiter line is also an outer delimiter or close delimiter",
            "Python email (both policies) reads a different part tree than the RFC for such a boundary; a longer inner boundary is read the same way by Python, MimeKit and the RFC: ReferenceParserTests.NestedBoundary_DashSuffix_IsReadDifferently"),
        new("multipart-empty", MimeRuleArea.Mime, MimeSeverity.Error,
            "A multipart entity with no body part.", "RFC 2046 §5.1.1"),
        new("multipart-encoding-invalid", MimeRuleArea.Mime, MimeSeverity.Error,
            "A multipart or message/rfc822 entity with a Content-Transfer-Encoding other than 7bit, 8bit or binary.", "RFC 2045 §6.4",
            MimeImpact.Poison, null,
            "MimeKit reads a different part tree than the RFC (and we) for a multipart or message/rfc822 sent as base64 or quoted-printable: MimeKitDifferentialTests (mime4j base64encoded-rfc822message, multi-2gifs-base64 …)"),
        new("cte-unknown", MimeRuleArea.Mime, MimeSeverity.Error,
            "A Content-Transfer-Encoding that is not 7bit, 8bit, binary, quoted-printable or base64.", "RFC 2045 §6.1"),
        new("base64-invalid", MimeRuleArea.Mime, MimeSeverity.Error,
            "Base64 content with characters outside the alphabet, bad padding or a length that is not a multiple of 4.", "RFC 2045 §6.8"),
        new("qp-invalid", MimeRuleArea.Mime, MimeSeverity.Warning,
            "Quoted-printable content with a bad '=' escape or an encoded line over 76 characters.", "RFC 2045 §6.7"),
        new("8bit-in-7bit", MimeRuleArea.Mime, MimeSeverity.Warning,
            "Octets over 127 in a part whose transfer encoding is 7bit (declared or by default).", "RFC 2045 §2.7, §6.2"),
        new("charset-unknown", MimeRuleArea.Mime, MimeSeverity.Warning,
            "A charset parameter or encoded-word charset that is not a known character set.", "RFC 2046 §4.1.2; RFC 2978"),
        new("charset-decode-error", MimeRuleArea.Mime, MimeSeverity.Warning,
            "Text content that is not valid in its declared charset.", "RFC 2046 §4.1.2"),
        new("nesting-too-deep", MimeRuleArea.Limit, MimeSeverity.Error,
            "Multipart or message/rfc822 nesting deeper than Postfix passes: more than mime_nesting_limit + 2 levels (default 100 + 2); deeper parts are not checked.", "Postfix mime_nesting_limit",
            MimeImpact.Conditional, "every level down to the finding is a multipart (Postfix counts multipart levels only)",
            "Postfix 3.7 (mime_nesting_limit 100) with header_checks (or any MIME/nested header checks or strict MIME setting) refuses 103 nested multiparts at SMTP (550 5.6.0 MIME nesting exceeds safety limit) and accepts 102; a stock Postfix bounces them (5.6.0) when it must convert 8-bit mail for a next hop without 8BITMIME: PostfixLimitsTests.MimeNestingLimit_*; message/rfc822 levels are not counted by Postfix"),
        new("parts-too-many", MimeRuleArea.Limit, MimeSeverity.Error,
            "More MIME parts than the limit (default 10000).", "RFC 2046 §5.1"),
        new("rfc2231-invalid", MimeRuleArea.Mime, MimeSeverity.Warning,
            "A parameter continuation or extended value (name*0*=, charset'lang'value) that breaks RFC 2231.", "RFC 2231 §3-4"),
        new("message-truncated", MimeRuleArea.Limit, MimeSeverity.Error,
            "The input ends inside the header section or inside a line.", "RFC 5322 §2.1"),
        new("size-limit", MimeRuleArea.Limit, MimeSeverity.Error,
            "The message is larger than the limit (default 10240000 octets, like Postfix message_size_limit).", "Postfix message_size_limit; RFC 1870",
            MimeImpact.Poison, null,
            "A stock Postfix 3.7 (message_size_limit 10240000) refuses a larger message at SMTP (552 5.3.4 Error: message file too big) and delivers one 1000 octets under it whole; Postfix counts its queue file (envelope and the Received it adds), so a message a few hundred octets under the limit is refused too: PostfixLimitsTests.MessageSizeLimit_Postfix_refuses_a_larger_message_and_delivers_one_a_kilobyte_under"),
    };

    private static readonly Dictionary<string, MimeRule> ById = Rules.ToDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>All rules, in catalogue order.</summary>
    public static IReadOnlyList<MimeRule> All => Rules;

    /// <summary>The rule with this id (case-insensitive), or null.</summary>
    public static MimeRule? Find(string id) => id is not null && ById.TryGetValue(id, out var rule) ? rule : null;
}
