using System;
using System.Collections.Generic;
using System.Text;

namespace Outage.Tools.Core.Headers;

/// <summary>One method's result of an Authentication-Results header (RFC 8601 section 2.2 "resinfo").</summary>
public sealed class AuthenticationResult
{
    /// <summary>The message file (or "&lt;content&gt;", or the queued message's name).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>The header it came from: Authentication-Results or ARC-Authentication-Results.</summary>
    public string Header { get; set; } = string.Empty;

    /// <summary>The line of the message the header starts on.</summary>
    public int Line { get; set; }

    /// <summary>The server that evaluated it (authserv-id), or null when the header has none (Exchange Online writes none).</summary>
    public string? AuthServId { get; set; }

    /// <summary>spf, dkim, dmarc, arc, compauth, iprev, auth... (lower case).</summary>
    public string Method { get; set; } = string.Empty;

    /// <summary>pass, fail, softfail, neutral, none, temperror, permerror, policy, bestguesspass, softpass... (lower case).</summary>
    public string Result { get; set; } = string.Empty;

    /// <summary>The reason= value (RFC 8601 reasonspec; Exchange Online's compauth reason code).</summary>
    public string? Reason { get; set; }

    /// <summary>The parenthesised comment after the result ("sender IP is 192.0.2.1", "signature was verified").</summary>
    public string? Comment { get; set; }

    /// <summary>The identity checked: smtp.mailfrom (spf), header.d or header.i (dkim), header.from (dmarc, compauth).</summary>
    public string? Identity { get; set; }

    /// <summary>Every property as written, "ptype.property=value" separated by spaces (smtp.mailfrom=..., header.d=..., action=...).</summary>
    public string Properties { get; set; } = string.Empty;

    /// <summary>What the result means (and for compauth its reason code, for dmarc Exchange Online's action).</summary>
    public string? Meaning { get; set; }

    /// <summary>The value of one property (e.g. "smtp.mailfrom", "header.from", "action"), or null.</summary>
    public string? Property(string name)
    {
        foreach (var p in Properties.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = p.IndexOf('=');
            if (eq > 0 && string.Equals(p.Substring(0, eq), name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Substring(eq + 1);
            }
        }

        return null;
    }

    public override string ToString() => $"{Method}={Result}" + (Identity is null ? string.Empty : $" {Identity}");
}

/// <summary>
/// Reads Authentication-Results header fields (RFC 8601 section 2.2):
/// <c>authserv-id [version] ( ";" "none" / 1*( ";" method[/version] "=" result [reason=value] *ptype.property=value ) )</c>,
/// comments allowed wherever CFWS is. Exchange Online writes the results without an authserv-id and adds
/// <c>action=</c> (dmarc) and <c>reason=</c> (compauth): both are read. Results are checked against the values each
/// method defines (RFC 8601 section 2.7, RFC 7489 section 11.2 for dmarc, RFC 8617 for arc, Microsoft Learn for
/// compauth and dmarc bestguesspass); anything else is a located warning, never fatal.
/// </summary>
public static class AuthenticationResults
{
    public const string HeaderName = "Authentication-Results";
    public const string ArcHeaderName = "ARC-Authentication-Results";

    /// <summary>The results each method may have, with what they mean (rules as data).</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        // RFC 8601 section 2.7.2 (SPF, RFC 7208 section 2.6).
        ["spf"] = Results(
            "pass", "The sending IP address is authorised by the domain's SPF record",
            "fail", "The domain's SPF record says the sending IP address is not authorised",
            "softfail", "The domain's SPF record says the sending IP address is probably not authorised",
            "neutral", "The domain's SPF record makes no assertion about the sending IP address",
            "none", "The domain publishes no SPF record (or no domain could be checked)",
            "policy", "Not accepted by local policy although SPF did not fail",
            "temperror", "A temporary (DNS) error while checking SPF",
            "permerror", "The domain's SPF record could not be interpreted"),
        // RFC 8601 section 2.7.1 (DKIM, RFC 6376).
        ["dkim"] = Results(
            "pass", "The DKIM signature verified",
            "fail", "The DKIM signature did not verify",
            "none", "The message is not signed",
            "policy", "The signature verified but is not acceptable to local policy",
            "neutral", "The signature could not be evaluated (syntax or other error)",
            "temperror", "A temporary error (key not retrievable) while verifying",
            "permerror", "A permanent error (key missing or unusable) while verifying"),
        // RFC 7489 section 11.2; bestguesspass is Exchange Online's.
        ["dmarc"] = Results(
            "pass", "The From domain is aligned with a passing SPF or DKIM identity",
            "fail", "The From domain failed DMARC: neither SPF nor DKIM passed aligned",
            "bestguesspass", "The domain publishes no DMARC record, but DMARC would have passed (Exchange Online)",
            "none", "The From domain publishes no DMARC record",
            "temperror", "A temporary (DNS) error while checking DMARC",
            "permerror", "The domain's DMARC record could not be interpreted"),
        // RFC 8617 section 4.4 (ARC chain validation status).
        ["arc"] = Results(
            "pass", "The ARC chain validated",
            "fail", "The ARC chain did not validate",
            "none", "The message has no ARC sets"),
        // Microsoft Learn "Anti-spam message headers": composite authentication.
        ["compauth"] = Results(
            "pass", "Composite authentication passed",
            "fail", "Composite authentication failed: treated as spoofed",
            "softpass", "Composite authentication soft-passed (implicit authentication)",
            "none", "Composite authentication not checked or bypassed"),
        // RFC 8601 section 2.7.3.
        ["iprev"] = Results(
            "pass", "The client's reverse DNS name resolves back to its address",
            "fail", "The client's reverse DNS does not match its address",
            "temperror", "A temporary DNS error while checking reverse DNS",
            "permerror", "A permanent DNS error while checking reverse DNS"),
        // RFC 8601 section 2.7.4.
        ["auth"] = Results(
            "none", "The client did not authenticate",
            "pass", "The client authenticated (SMTP AUTH)",
            "fail", "The client's authentication failed",
            "temperror", "A temporary error during authentication",
            "permerror", "A permanent error during authentication"),
    };

    private static Dictionary<string, string> Results(params string[] pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            map[pairs[i]] = pairs[i + 1];
        }

        return map;
    }

    /// <summary>Exchange Online's dmarc action= values (Microsoft Learn "Authentication-results message header fields").</summary>
    private static readonly Dictionary<string, string> DmarcActions = Results(
        "none", "no action",
        "oreject", "override reject: the domain says reject, Microsoft 365 marks the message as spam instead",
        "o.reject", "override reject: the domain says reject, Microsoft 365 marks the message as spam instead",
        "pct.quarantine", "the domain says quarantine for a percentage (pct) below 100, and this message was not picked",
        "pct.reject", "the domain says reject for a percentage (pct) below 100, and this message was not picked",
        "quarantine", "the domain's policy quarantine was applied",
        "reject", "the domain's policy reject was applied",
        "permerror", "a permanent error while evaluating DMARC",
        "temperror", "a temporary error while evaluating DMARC");

    /// <summary>Exchange Online's compauth reason codes (Microsoft Learn: 000, 001, 002, 010, 1xx/7xx, 2xx, 3xx, 4xx/9xx, 6xx).</summary>
    public static string? CompAuthReason(string? code)
    {
        if (code is null || code.Length != 3 || !char.IsDigit(code[0]) || !char.IsDigit(code[1]) || !char.IsDigit(code[2]))
        {
            return null;
        }

        return code switch
        {
            "000" => "failed explicit authentication (DMARC fail with quarantine or reject)",
            "001" => "failed implicit authentication (no or weak sender authentication records)",
            "002" => "the organization prohibits this sender/domain pair from sending spoofed mail",
            "010" => "failed DMARC with reject or quarantine, and the domain is one of the organization's accepted domains",
            _ => code[0] switch
            {
                '1' or '7' => "passed authentication",
                '2' => "soft-passed implicit authentication",
                '3' => "not checked",
                '4' or '9' => "bypassed composite authentication",
                '6' => "failed implicit authentication, and the domain is one of the organization's accepted domains (intra-org spoofing)",
                _ => null,
            },
        };
    }

    public static bool IsAuthenticationHeader(string name) =>
        name.Equals(HeaderName, StringComparison.OrdinalIgnoreCase) || name.Equals(ArcHeaderName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The results of one header; what cannot be read is skipped with a located warning.</summary>
    public static List<AuthenticationResult> Parse(HeaderField header, string source, ICollection<string> warnings)
    {
        var results = new List<AuthenticationResult>();
        var segments = SplitOutside(header.Value, ';');
        string? authServId = null;
        var first = 0;
        if (header.Name.Equals(ArcHeaderName, StringComparison.OrdinalIgnoreCase) && segments.Count > 0)
        {
            // RFC 8617 section 4.1.1: "i=N; " then the Authentication-Results payload.
            var tag = Tokens(segments[0], out _);
            if (tag.Count == 1 && tag[0].StartsWith("i=", StringComparison.OrdinalIgnoreCase))
            {
                first = 1;
            }
        }

        if (segments.Count > first)
        {
            var head = Tokens(segments[first], out _);
            if (head.Count > 0 && head[0].IndexOf('=') < 0)
            {
                authServId = head[0]; // an optional version number may follow it
                if (head.Count > 1 && !(head.Count == 2 && IsDigits(head[1])))
                {
                    warnings.Add($"{source}: line {header.Line}: {header.Name}: '{AntispamHeaders.Clip(segments[first].Trim())}' has text after the authserv-id '{authServId}' before the first ';'.");
                }

                first++;
            }
            else if (head.Count == 0)
            {
                first++;
            }
        }

        for (var i = first; i < segments.Count; i++)
        {
            var tokens = Tokens(segments[i], out var comment);
            if (tokens.Count == 0 || (tokens.Count == 1 && tokens[0].Equals("none", StringComparison.OrdinalIgnoreCase)))
            {
                continue; // an empty part, or "none": no authentication was done (RFC 8601 section 2.2 no-result)
            }

            var spec = tokens[0];
            var eq = spec.IndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1)
            {
                warnings.Add($"{source}: line {header.Line}: {header.Name}: '{AntispamHeaders.Clip(segments[i].Trim())}' is not 'method=result'; it is skipped.");
                continue;
            }

            var method = spec.Substring(0, eq);
            var slash = method.IndexOf('/');
            if (slash > 0)
            {
                method = method.Substring(0, slash); // method-version
            }

            var result = new AuthenticationResult
            {
                Source = source,
                Header = header.Name,
                Line = header.Line,
                AuthServId = authServId,
                Method = method.ToLowerInvariant(),
                Result = spec.Substring(eq + 1).ToLowerInvariant(),
                Comment = comment,
            };
            var properties = new StringBuilder();
            for (var t = 1; t < tokens.Count; t++)
            {
                var token = tokens[t];
                var peq = token.IndexOf('=');
                if (peq <= 0)
                {
                    warnings.Add($"{source}: line {header.Line}: {header.Name}: '{AntispamHeaders.Clip(token)}' after {result.Method}={result.Result} is not 'ptype.property=value'; it is ignored.");
                    continue;
                }

                var name = token.Substring(0, peq);
                var value = token.Substring(peq + 1);
                if (name.Equals("reason", StringComparison.OrdinalIgnoreCase))
                {
                    result.Reason = value;
                    continue;
                }

                if (properties.Length > 0)
                {
                    properties.Append(' ');
                }

                properties.Append(name.ToLowerInvariant()).Append('=').Append(value);
            }

            result.Properties = properties.ToString();
            result.Identity = result.Method switch
            {
                "spf" => result.Property("smtp.mailfrom") ?? result.Property("smtp.mail") ?? result.Property("smtp.helo"),
                "dkim" or "domainkeys" => result.Property("header.d") ?? result.Property("header.i"),
                "dmarc" or "compauth" or "bimi" => result.Property("header.from"),
                "iprev" => result.Property("policy.iprev") ?? result.Property("smtp.remote-ip"),
                "auth" => result.Property("smtp.auth") ?? result.Property("smtp.mailfrom"),
                _ => null,
            };
            if (Methods.TryGetValue(result.Method, out var allowed))
            {
                if (!allowed.TryGetValue(result.Result, out var meaning))
                {
                    warnings.Add($"{source}: line {header.Line}: {header.Name}: {result.Method}={result.Result} is not a result {result.Method} defines ({string.Join(", ", allowed.Keys)}).");
                }

                result.Meaning = meaning;
                if (meaning is null)
                {
                    // not a result of this method: no documented meaning
                }
                else if (result.Method == "compauth" && CompAuthReason(result.Reason) is { } why)
                {
                    result.Meaning = $"{meaning}: {why}";
                }
                else if (result.Method == "dmarc" && result.Property("action") is { } action && DmarcActions.TryGetValue(action, out var did))
                {
                    result.Meaning = $"{meaning}; action: {did}";
                }
            }

            results.Add(result);
        }

        return results;
    }

    private static bool IsDigits(string s)
    {
        foreach (var c in s)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    /// <summary>Splits at a separator outside comments and quoted strings (RFC 5322 section 3.2.2 and 3.2.4).</summary>
    private static List<string> SplitOutside(string text, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && (quoted || depth > 0))
            {
                i++;
            }
            else if (quoted)
            {
                quoted = c != '"';
            }
            else if (c == '"' && depth == 0)
            {
                quoted = true;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (c == separator && depth == 0)
            {
                parts.Add(text.Substring(start, i - start));
                start = i + 1;
            }
        }

        parts.Add(text.Substring(start));
        return parts;
    }

    /// <summary>
    /// The tokens of one part with comments removed and white space around '=', '.' and '/' closed up
    /// ("spf = pass" is "spf=pass"); quoted strings keep their content. The first comment is returned apart.
    /// </summary>
    private static List<string> Tokens(string text, out string? firstComment)
    {
        firstComment = null;
        var tokens = new List<string>();
        var current = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '(')
            {
                var depth = 0;
                var start = i;
                for (; i < text.Length; i++)
                {
                    if (text[i] == '\\')
                    {
                        i++;
                        continue;
                    }

                    depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
                    if (depth == 0)
                    {
                        break;
                    }
                }

                var end = Math.Min(i, text.Length);
                firstComment ??= text.Substring(start + 1, Math.Max(0, end - start - 1)).Trim();
                i = end + 1;
                EndToken();
                continue;
            }

            if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    current.Append(text[i++]);
                }

                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                EndToken();
                i++;
                continue;
            }

            if (c == '=' && current.Length == 0 && tokens.Count > 0)
            {
                current.Append(tokens[tokens.Count - 1]); // "spf =pass": glue back to the previous token
                tokens.RemoveAt(tokens.Count - 1);
            }

            current.Append(c);
            i++;
            if (c == '=' || c == '/')
            {
                // "spf= pass": the value follows after white space or a comment
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }
            }
        }

        EndToken();
        return tokens;

        void EndToken()
        {
            if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
    }
}
