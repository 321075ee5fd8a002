using System;
using System.Collections.Generic;

namespace Outage.Tools.Core.Headers;

/// <summary>
/// What deserves a look in a header report, after Message Header Analyzer's rules (src/data/rules.json, described in
/// ../shared/reference/new-capabilities.md section 2.6): failed SPF, DKIM or DMARC, the spam verdicts, allow-list
/// skips and quarantine releases, a high bulk complaint level, and a mailbox folder (dest:) that contradicts the
/// spam verdict. MHA's country rule (CTRY:NG) and its "header missing" rule are left out: the first is not
/// Microsoft's guidance, the second fires on every message that never passed Exchange Online.
/// </summary>
public static class HeaderFindings
{
    /// <summary>One rule: when it applies to a report, and what it says.</summary>
    public sealed class Rule
    {
        public Rule(string id, Func<MessageHeaderReport, bool> applies, string text)
        {
            Id = id;
            Applies = applies;
            Text = text;
        }

        public string Id { get; }

        public Func<MessageHeaderReport, bool> Applies { get; }

        public string Text { get; }
    }

    private static bool Is(string? value, params string[] any) => value is not null && Array.Exists(any, a => a.Equals(value, StringComparison.OrdinalIgnoreCase));

    private static string? Dest(MessageHeaderReport r)
    {
        foreach (var f in r.Antispam)
        {
            if (f.Header.Equals(AntispamHeaders.MailboxDelivery, StringComparison.OrdinalIgnoreCase) && f.Key == "dest" && !f.Malformed)
            {
                return f.Value;
            }
        }

        return null;
    }

    private static bool SpamVerdict(MessageHeaderReport r) => Is(r.Sfv, "SPM", "SKS", "SKB");

    /// <summary>The rules, in the order their findings are listed.</summary>
    public static readonly IReadOnlyList<Rule> Rules = new[]
    {
        new Rule("spf-fail", r => Is(r.Spf, "fail"), "spf=fail: the sending IP address is not authorised by the sender domain's SPF record"),
        new Rule("dkim-fail", r => Is(r.Dkim, "fail"), "dkim=fail: the DKIM signature did not verify"),
        new Rule("dmarc-fail", r => Is(r.Dmarc, "fail"), "dmarc=fail: the From domain failed DMARC"),
        new Rule("compauth-fail", r => Is(r.CompAuth, "fail"), "compauth=fail: Exchange Online treats the message as spoofed"),
        new Rule("spam", r => Is(r.Sfv, "SPM"), "SFV:SPM: marked as spam by spam filtering"),
        new Rule("spam-before-filtering", r => Is(r.Sfv, "SKS", "SKB"), "SFV:SKS/SKB: marked as spam before filtering (mail flow rule or blocked sender)"),
        new Rule("blocked-sender", r => Is(r.Sfv, "BLK"), "SFV:BLK: the sender is in the recipient's Blocked Senders list"),
        new Rule("safe-sender", r => Is(r.Sfv, "SFE"), "SFV:SFE: filtering skipped, the sender is in the recipient's Safe Senders list"),
        new Rule("filtering-skipped", r => Is(r.Sfv, "SKI"), "SFV:SKI: filtering skipped (for example intra-organization mail)"),
        new Rule("released", r => Is(r.Sfv, "SKQ"), "SFV:SKQ: released from quarantine"),
        new Rule("ip-allow-list", r => Is(Find(r, "IPV"), "CAL"), "IPV:CAL: filtering skipped, the source IP address is in the IP Allow List"),
        new Rule("bulk-complaints", r => r.Bcl is >= 6, "BCL 6 or more: bulk mail from a sender that generates many complaints"),
        new Rule("spam-in-inbox", r => SpamVerdict(r) && Is(Dest(r), "I"), "Spam verdict, yet the mailbox delivered it to the Inbox (dest:I): a user or mailbox rule overrode it"),
        new Rule("clean-in-junk", r => Is(r.Sfv, "NSPM") && Is(Dest(r), "J"), "Not spam (SFV:NSPM), yet the mailbox put it in Junk Email (dest:J): the user's junk settings or rules"),
        new Rule("custom-folder", r => r.Sfv is not null && Is(Dest(r), "C"), "The mailbox moved it to a custom folder (dest:C): an inbox rule"),
    };

    private static string? Find(MessageHeaderReport r, string key)
    {
        foreach (var f in r.Antispam)
        {
            if (f.Header.Equals(AntispamHeaders.ForefrontReport, StringComparison.OrdinalIgnoreCase) && f.Key == key && !f.Malformed)
            {
                return f.Value;
            }
        }

        return null;
    }

    /// <summary>The texts of the rules that apply to the report.</summary>
    public static string[] Of(MessageHeaderReport report)
    {
        var found = new List<string>();
        foreach (var rule in Rules)
        {
            if (rule.Applies(report))
            {
                found.Add(rule.Text);
            }
        }

        return found.ToArray();
    }
}
