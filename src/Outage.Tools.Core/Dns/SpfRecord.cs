using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace Outage.Tools.Core.Dns;

/// <summary>One term of an SPF record (RFC 7208 §4.6.1): a mechanism with its qualifier, or a modifier.</summary>
public sealed class SpfTerm
{
    public SpfTerm(string text, char qualifier, string name, string? value, bool isModifier)
    {
        Text = text;
        Qualifier = qualifier;
        Name = name;
        Value = value;
        IsModifier = isModifier;
    }

    public string Text { get; }

    /// <summary>'+', '-', '~' or '?' (RFC 7208 §4.6.2); '+' when omitted.</summary>
    public char Qualifier { get; }

    /// <summary>Mechanism or modifier name, lower case.</summary>
    public string Name { get; }

    /// <summary>The domain-spec, address or modifier value.</summary>
    public string? Value { get; }

    public bool IsModifier { get; }

    /// <summary>Terms that cost a DNS lookup (RFC 7208 §4.6.4): include, a, mx, ptr, exists, redirect.</summary>
    public bool QueriesDns => Name is "include" or "a" or "mx" or "ptr" or "exists" or "redirect";
}

/// <summary>An SPF record parsed per RFC 7208 §4.6 / §12 (ABNF), with the syntax problems found.</summary>
public sealed class SpfRecord
{
    private static readonly string[] Mechanisms = { "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists" };

    private SpfRecord(string text)
    {
        Text = text;
    }

    public string Text { get; }

    public IReadOnlyList<SpfTerm> Terms { get; private set; } = Array.Empty<SpfTerm>();

    public IReadOnlyList<string> Problems { get; private set; } = Array.Empty<string>();

    /// <summary>Warnings that are not errors: ptr (RFC 7208 §5.5 "SHOULD NOT"), terms after "all".</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

    /// <summary>True when the text is an SPF record at all: "v=spf1" then a space or the end (RFC 7208 §4.5).</summary>
    public static bool IsSpf(string text) =>
        text is not null && text.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (text.Length == 6 || text[6] == ' ');

    public SpfTerm? All => Terms.FirstOrDefault(t => !t.IsModifier && t.Name == "all");

    public string? Redirect => Terms.FirstOrDefault(t => t.IsModifier && t.Name == "redirect")?.Value;

    public static SpfRecord Parse(string text)
    {
        var rec = new SpfRecord(text);
        var problems = new List<string>();
        var warnings = new List<string>();
        var terms = new List<SpfTerm>();
        var parts = text.Split(' ');
        var seenAll = false;
        var modifiers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < parts.Length; i++)
        {
            var p = parts[i];
            if (p.Length == 0)
            {
                continue;
            }

            var eq = p.IndexOf('=');
            var colon = p.IndexOf(':');
            var slash = p.IndexOf('/');
            if (eq > 0 && (colon < 0 || eq < colon) && (slash < 0 || eq < slash) && IsName(p.Substring(0, eq)))
            {
                var name = p.Substring(0, eq).ToLowerInvariant();
                var modValue = p.Substring(eq + 1);
                if ((name == "redirect" || name == "exp") && !modifiers.Add(name))
                {
                    problems.Add($"'{name}=' appears more than once (RFC 7208 §6).");
                }

                if ((name == "redirect" || name == "exp") && !IsDomainSpec(modValue))
                {
                    problems.Add($"'{p}': the value is not a domain-spec.");
                }

                terms.Add(new SpfTerm(p, '+', name, modValue, true));
                continue;
            }

            var q = '+';
            var body = p;
            if ("+-~?".IndexOf(p[0]) >= 0)
            {
                q = p[0];
                body = p.Substring(1);
            }

            var sep = body.IndexOfAny(new[] { ':', '/' });
            var mech = (sep < 0 ? body : body.Substring(0, sep)).ToLowerInvariant();
            var arg = sep < 0 ? null : body.Substring(sep);
            if (!Mechanisms.Contains(mech))
            {
                problems.Add($"'{p}' is not a mechanism or modifier (RFC 7208 §5, §6).");
                continue;
            }

            if (seenAll)
            {
                warnings.Add($"'{p}' comes after 'all' and is never evaluated (RFC 7208 §5.1).");
            }

            string? value = null;
            switch (mech)
            {
                case "all":
                    seenAll = true;
                    if (arg is not null)
                    {
                        problems.Add($"'{p}': 'all' takes no argument.");
                    }

                    break;
                case "include":
                case "exists":
                    if (arg is null || !arg.StartsWith(":", StringComparison.Ordinal) || !IsDomainSpec(arg.Substring(1)))
                    {
                        problems.Add($"'{p}': {mech} needs ':domain'.");
                    }
                    else
                    {
                        value = arg.Substring(1);
                    }

                    break;
                case "a":
                case "mx":
                case "ptr":
                    if (mech == "ptr")
                    {
                        warnings.Add($"'{p}': ptr is slow and unreliable and SHOULD NOT be used (RFC 7208 §5.5).");
                    }

                    if (arg is not null)
                    {
                        var cidrAt = arg.IndexOf('/');
                        var domain = arg.StartsWith(":", StringComparison.Ordinal) ? (cidrAt < 0 ? arg.Substring(1) : arg.Substring(1, cidrAt - 1)) : null;
                        if (domain is not null && !IsDomainSpec(domain))
                        {
                            problems.Add($"'{p}': '{domain}' is not a domain-spec.");
                        }

                        if (cidrAt >= 0 && !ValidDualCidr(arg.Substring(cidrAt)))
                        {
                            problems.Add($"'{p}': invalid CIDR length.");
                        }

                        value = domain;
                    }

                    break;
                case "ip4":
                case "ip6":
                    if (arg is null || !arg.StartsWith(":", StringComparison.Ordinal) || !ValidIp(arg.Substring(1), mech == "ip4"))
                    {
                        problems.Add($"'{p}': not a valid {(mech == "ip4" ? "IPv4" : "IPv6")} network.");
                    }
                    else
                    {
                        value = arg.Substring(1);
                    }

                    break;
            }

            terms.Add(new SpfTerm(p, q, mech, value, false));
        }

        if (text.Length > 6 && text.Substring(6).StartsWith(" ", StringComparison.Ordinal) && text.Contains("  "))
        {
            warnings.Add("The record has repeated spaces.");
        }

        rec.Terms = terms;
        rec.Problems = problems;
        rec.Warnings = warnings;
        return rec;
    }

    private static bool IsName(string s) => s.Length > 0 && char.IsLetter(s[0]) && s.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.');

    /// <summary>A domain-spec (RFC 7208 §7.1): macros allowed; otherwise at least one dot-separated label set, no empty label.</summary>
    private static bool IsDomainSpec(string s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }

        if (s.Contains("%{"))
        {
            return s.Count(c => c == '{') == s.Count(c => c == '}');
        }

        var t = s.TrimEnd('.');
        return t.Length > 0 && t.Split('.').All(l => l.Length > 0 && l.Length <= 63 && l.All(c => c > 0x20 && c < 0x7F && c != '%'));
    }

    private static bool ValidDualCidr(string s)
    {
        // "/n", "//n6" or "/n//n6"
        var halves = s.Split(new[] { "//" }, StringSplitOptions.None);
        if (halves.Length > 2)
        {
            return false;
        }

        bool Ok(string x, int max) => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max && !(x.Length > 1 && x[0] == '0');
        if (halves[0].Length > 0 && !(halves[0].StartsWith("/", StringComparison.Ordinal) && Ok(halves[0].Substring(1), 32)))
        {
            return false;
        }

        return halves.Length == 1 || Ok(halves[1], 128);
    }

    private static bool ValidIp(string s, bool v4)
    {
        var slash = s.IndexOf('/');
        var addr = slash < 0 ? s : s.Substring(0, slash);
        if (!IPAddress.TryParse(addr, out var ip))
        {
            return false;
        }

        if (v4 && (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || addr.Count(c => c == '.') != 3))
        {
            return false;
        }

        if (!v4 && ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return false;
        }

        return slash < 0 || (int.TryParse(s.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= (v4 ? 32 : 128));
    }
}
