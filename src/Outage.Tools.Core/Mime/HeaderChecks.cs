using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Outage.Tools.Core.Mime;

/// <summary>
/// Checks of one complete (unfolded) header field. Every parser here is a single left-to-right scan over a
/// value of bounded length (the linter keeps at most 64 KiB of a field): no regular expressions, no backtracking.
/// </summary>
internal static class HeaderChecks
{
    // RFC 5322 §3.6: fields that occur at most once.
    private static readonly HashSet<string> SingleInstance = new(StringComparer.Ordinal)
    {
        "date", "from", "sender", "reply-to", "to", "cc", "bcc", "message-id", "in-reply-to", "references", "subject",
    };

    private static readonly HashSet<string> AddressFields = new(StringComparer.Ordinal)
    {
        "from", "sender", "reply-to", "to", "cc", "bcc", "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc",
    };

    private static readonly HashSet<string> KnownCte = new(StringComparer.Ordinal)
    {
        "7bit", "8bit", "binary", "quoted-printable", "base64",
    };

    internal static readonly HashSet<string> KnownCharsets = new(StringComparer.OrdinalIgnoreCase)
    {
        "us-ascii", "ascii", "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf-32", "utf-7",
        "iso-8859-1", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8",
        "iso-8859-8-i", "iso-8859-9", "iso-8859-10", "iso-8859-11", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16",
        "latin1", "latin-1", "l1", "windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254", "windows-1255",
        "windows-1256", "windows-1257", "windows-1258", "windows-874", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255",
        "cp1256", "cp1257", "cp1258", "cp850", "cp852", "cp866", "cp437", "ibm437", "ibm850", "ibm852", "ibm866",
        "koi8-r", "koi8-u", "gb2312", "gbk", "gb18030", "big5", "big5-hkscs", "hz-gb-2312", "shift_jis", "shift-jis", "sjis",
        "euc-jp", "iso-2022-jp", "iso-2022-jp-2", "euc-kr", "iso-2022-kr", "ks_c_5601-1987", "cp949", "tis-620", "x-mac-roman",
        "macintosh", "ansi_x3.4-1968", "ansi-x3.4-1968", "ansi_x3.4-1986", "iso646-us", "iso_646.irv:1991", "iso-ir-6", "us", "cp367", "ibm367", "csascii", "unicode-1-1-utf-7", "x-user-defined", "cp932", "windows-31j", "viscii", "iso-ir-111",
    };

    public static void Check(MimeLinter l, MimeLinter.Entity e, string lower, string name, string value, long offset, long line, bool complete)
    {
        if (e.IsMessage && SingleInstance.Contains(lower) && e.Seen.Contains(lower))
        {
            l.Report("duplicate-header", offset, line, e.Path, name, $"A second {name} field; it may occur at most once.");
        }

        if ((lower == "content-type" || lower == "content-transfer-encoding") && e.Seen.Contains(lower))
        {
            // RFC 2045 §3: an entity has at most one of each. MimeKit, Python's email (both policies) and we read
            // the first one, so the part tree and the decoded bytes are the same for all (Nonconforming).
            l.Report("mime-field-duplicate", offset, line, e.Path, name, $"A second {name} field; the first one counts.");
            return;
        }

        e.Seen.Add(lower);
        switch (lower)
        {
            case "received":
                // Postfix cleanup (postconf(5) hopcount_limit) counts the Received fields of the primary message
                // header, the one its own smtpd or pickup adds included, and refuses the message when the count
                // reaches the limit: a message that already has limit - 1 of them is refused by the next Postfix.
                if (e.IsMessage && e.Depth == 0 && ++e.ReceivedCount == l.ReceivedLimit - 1)
                {
                    l.Report("received-hop-count", offset, line, e.Path, name,
                        $"{e.ReceivedCount} Received fields: with the one it adds, a Postfix relay counts {l.ReceivedLimit} (hopcount_limit) and refuses the message as a mail loop.");
                }

                return;
            case "date":
            case "resent-date":
                if (e.IsMessage && complete)
                {
                    var why = DateError(value);
                    if (why is not null)
                    {
                        l.Report("invalid-date", offset, line, e.Path, name, $"The {name} field is not an RFC 5322 date-time: {why}.");
                    }
                }

                break;
            case "message-id":
            case "resent-message-id":
            case "in-reply-to":
            case "references":
                if (e.IsMessage && complete)
                {
                    var why = MsgIdError(value, single: lower.EndsWith("message-id", StringComparison.Ordinal));
                    if (why is not null)
                    {
                        l.Report("invalid-message-id", offset, line, e.Path, name, $"The {name} field is not msg-id syntax: {why}.");
                    }
                }

                return;
            case "content-type":
                e.CtOffset = offset;
                e.CtLine = line;
                ContentType(l, e, name, value, offset, line);
                return;
            case "content-transfer-encoding":
                e.CteOffset = offset;
                e.CteLine = line;
                var cte = StripComments(value).Trim().ToLowerInvariant();
                if (!KnownCte.Contains(cte))
                {
                    l.Report("cte-unknown", offset, line, e.Path, name, $"Unknown Content-Transfer-Encoding \"{cte}\".");
                    e.Cte = "binary"; // RFC 2045 §6.4: treat as application/octet-stream, i.e. no content checks.
                }
                else
                {
                    e.Cte = cte;
                }

                return;
            case "content-disposition":
                Disposition(l, e, name, value, offset, line);
                return;
            case "mime-version":
                // RFC 2045 §4: version := "MIME-Version" ":" 1*DIGIT "." 1*DIGIT (comments allowed around it).
                if (complete && !IsVersion(StripComments(value).Trim()))
                {
                    l.Report("mime-field-invalid", offset, line, e.Path, name, $"The MIME-Version \"{value.Trim()}\" is not a version number (1.0).");
                }

                return;
        }

        if (e.IsMessage && complete && AddressFields.Contains(lower))
        {
            var why = AddressError(value, allowEmpty: lower.EndsWith("bcc", StringComparison.Ordinal));
            if (why is not null)
            {
                l.Report("invalid-address", offset, line, e.Path, name, $"The {name} field is not an address list: {why}.");
            }
        }

        if (!lower.StartsWith("content-", StringComparison.Ordinal))
        {
            EncodedWords(l, e, name, value, offset, line);
        }
    }

    // ------------------------------------------------------------ Content-Type / Content-Disposition (RFC 2045 §5.1, RFC 2183, RFC 2231)

    private static void ContentType(MimeLinter l, MimeLinter.Entity e, string name, string value, long offset, long line)
    {
        var p = new ParamParser(value);
        var type = p.Token();
        string? error = null;
        if (type.Length == 0)
        {
            error = "no media type";
        }
        else if (!p.Take('/'))
        {
            error = $"\"{type}\" has no /subtype";
        }

        var sub = error is null ? p.Token() : "";
        if (error is null && sub.Length == 0)
        {
            error = "empty subtype";
        }

        var parameters = error is null ? p.Parameters(out error) : new List<KeyValuePair<string, string>>();
        if (error is not null)
        {
            l.Report("content-type-invalid", offset, line, e.Path, name, $"Invalid Content-Type: {error}.");
        }

        if (type.Length == 0 || sub.Length == 0)
        {
            return; // RFC 2045 §5.2: an unusable Content-Type means text/plain.
        }

        e.Type = (type + "/" + sub).ToLowerInvariant();
        string? boundary = null;
        foreach (var kv in parameters)
        {
            if (kv.Key == "boundary")
            {
                boundary = kv.Value;
            }
            else if (kv.Key == "charset")
            {
                e.Charset = kv.Value.ToLowerInvariant();
                if (!KnownCharsets.Contains(kv.Value))
                {
                    l.Report("charset-unknown", offset, line, e.Path, name, $"Unknown charset \"{kv.Value}\".");
                }
            }
            else if (kv.Key == "name" && e.FileName is null)
            {
                e.FileName = kv.Value;
            }
        }

        Rfc2231(l, e, name, parameters, offset, line);
        if (!e.Type.StartsWith("multipart/", StringComparison.Ordinal))
        {
            return;
        }

        // RFC 2231 §3-4: the boundary may come as boundary*= (charset'lang'%XX) or in sections boundary*0=, boundary*1*=.
        boundary ??= Rfc2231Value(parameters, "boundary");

        if (boundary is null)
        {
            l.Report("multipart-no-boundary", offset, line, e.Path, name, $"A {e.Type} Content-Type without a boundary parameter.");
            return;
        }

        // RFC 2046 §5.1.1: boundary := 0*69<bchars> bcharsnospace, i.e. 1-70 characters, no trailing space.
        string? bad = null;
        if (boundary.Length == 0)
        {
            bad = "it is empty";
        }
        else if (boundary.Length > 70)
        {
            bad = $"it is {boundary.Length} characters long (at most 70)";
        }
        else if (boundary[boundary.Length - 1] == ' ')
        {
            bad = "it ends in a space";
        }
        else
        {
            foreach (var c in boundary)
            {
                if (!IsBchar(c))
                {
                    bad = $"it contains '{c}', which is not a bchar";
                    break;
                }
            }
        }

        if (bad is not null)
        {
            l.Report("boundary-invalid", offset, line, e.Path, name, $"The boundary \"{boundary}\" is invalid: {bad}.");
        }

        var bytes = new byte[boundary.Length];
        for (var i = 0; i < boundary.Length; i++)
        {
            bytes[i] = (byte)boundary[i];
        }

        e.Boundary = bytes;
    }

    /// <summary>The value of an RFC 2231 parameter given as name*= or name*0=, name*1*= …, decoded; null when absent.</summary>
    private static string? Rfc2231Value(List<KeyValuePair<string, string>> parameters, string name)
    {
        var sections = new SortedDictionary<int, (string Value, bool Extended)>();
        foreach (var kv in parameters)
        {
            if (kv.Key.Length <= name.Length || !kv.Key.StartsWith(name, StringComparison.Ordinal) || kv.Key[name.Length] != '*')
            {
                continue;
            }

            var rest = kv.Key.Substring(name.Length + 1);
            var extended = rest.EndsWith("*", StringComparison.Ordinal) || rest.Length == 0;
            var number = rest.TrimEnd('*');
            var n = 0;
            if (number.Length > 0 && !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out n))
            {
                continue;
            }

            sections[n] = (kv.Value, extended);
        }

        if (sections.Count == 0)
        {
            return null;
        }

        var sb = new System.Text.StringBuilder();
        foreach (var section in sections)
        {
            var v = section.Value.Value;
            if (section.Value.Extended)
            {
                if (section.Key == 0)
                {
                    var q1 = v.IndexOf('\'');
                    var q2 = q1 < 0 ? -1 : v.IndexOf('\'', q1 + 1);
                    v = q2 < 0 ? v : v.Substring(q2 + 1);
                }

                for (var i = 0; i < v.Length; i++)
                {
                    if (v[i] == '%' && i + 2 < v.Length && IsHex(v[i + 1]) && IsHex(v[i + 2]))
                    {
                        sb.Append((char)Convert.ToInt32(v.Substring(i + 1, 2), 16));
                        i += 2;
                    }
                    else
                    {
                        sb.Append(v[i]);
                    }
                }
            }
            else
            {
                sb.Append(v);
            }
        }

        return sb.ToString();
    }

    private static bool IsBchar(char c) =>
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || "'()+_,-./:=? ".IndexOf(c) >= 0;

    private static void Disposition(MimeLinter l, MimeLinter.Entity e, string name, string value, long offset, long line)
    {
        var p = new ParamParser(value);
        var type = p.Token();
        var parameters = p.Parameters(out var error);
        if (type.Length > 0)
        {
            e.Disposition = type.ToLowerInvariant();
        }
        else
        {
            // RFC 2183 §2: disposition := "Content-Disposition" ":" disposition-type *(";" disposition-parm).
            l.Report("mime-field-invalid", offset, line, e.Path, name, "A Content-Disposition without a disposition type (inline, attachment).");
        }

        foreach (var kv in parameters)
        {
            if (kv.Key == "filename")
            {
                e.FileName = kv.Value;
            }
        }

        if (error is not null)
        {
            l.Report("rfc2231-invalid", offset, line, e.Path, name, $"Invalid Content-Disposition parameters: {error}.");
        }

        Rfc2231(l, e, name, parameters, offset, line);
    }

    private static bool IsVersion(string v)
    {
        var dot = v.IndexOf('.');
        if (dot <= 0 || dot == v.Length - 1)
        {
            return false;
        }

        for (var i = 0; i < v.Length; i++)
        {
            if (i != dot && (v[i] < '0' || v[i] > '9'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 2231 §3-4: continuations numbered from 0 without gaps; extended values charset'lang'%XX.</summary>
    private static void Rfc2231(MimeLinter l, MimeLinter.Entity e, string name, List<KeyValuePair<string, string>> parameters, long offset, long line)
    {
        Dictionary<string, List<int>>? sections = null;
        SortedDictionary<int, string>? names = null;
        var charset = "";
        foreach (var kv in parameters)
        {
            var key = kv.Key;
            var star = key.IndexOf('*');
            if (star < 0)
            {
                continue;
            }

            var baseName = key.Substring(0, star);
            var rest = key.Substring(star + 1);
            var extended = rest.EndsWith("*", StringComparison.Ordinal) || rest.Length == 0;
            var number = rest.TrimEnd('*');
            var section = 0;
            if (number.Length > 0 && !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out section))
            {
                l.Report("rfc2231-invalid", offset, line, e.Path, name, $"The parameter \"{key}\" has an invalid section number.");
                continue;
            }

            if (number.Length > 0)
            {
                sections ??= new Dictionary<string, List<int>>(StringComparer.Ordinal);
                if (!sections.TryGetValue(baseName, out var list))
                {
                    sections[baseName] = list = new List<int>();
                }

                list.Add(section);
            }

            if (!extended)
            {
                continue;
            }

            var v = kv.Value;
            if (section == 0)
            {
                var q1 = v.IndexOf('\'');
                var q2 = q1 < 0 ? -1 : v.IndexOf('\'', q1 + 1);
                if (q2 < 0)
                {
                    l.Report("rfc2231-invalid", offset, line, e.Path, name, $"The extended parameter \"{key}\" lacks charset'language' before its value.");
                    continue;
                }

                var cs = v.Substring(0, q1);
                if (cs.Length > 0 && !KnownCharsets.Contains(cs))
                {
                    l.Report("charset-unknown", offset, line, e.Path, name, $"Unknown charset \"{cs}\" in the parameter \"{key}\".");
                }

                v = v.Substring(q2 + 1);
            }

            for (var i = 0; i < v.Length; i++)
            {
                var c = v[i];
                if (c == '%')
                {
                    if (i + 2 < v.Length && IsHex(v[i + 1]) && IsHex(v[i + 2]))
                    {
                        i += 2;
                        continue;
                    }

                    l.Report("rfc2231-invalid", offset, line, e.Path, name, $"The parameter \"{key}\" has a bad percent escape.");
                    break;
                }

                if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?=".IndexOf(c) >= 0)
                {
                    l.Report("rfc2231-invalid", offset, line, e.Path, name, $"The parameter \"{key}\" has the character '{c}', which must be percent-encoded.");
                    break;
                }
            }

            if (baseName == "filename" || (baseName == "name" && e.FileName is null))
            {
                names ??= new SortedDictionary<int, string>();
                names[section] = extended ? PercentDecode(v, charset) : v;
                if (section == 0 && extended)
                {
                    charset = kv.Value.Substring(0, Math.Max(0, kv.Value.IndexOf('\'')));
                }
            }
        }

        if (names is not null)
        {
            e.FileName = string.Concat(names.Values);
        }

        if (sections is null)
        {
            return;
        }

        foreach (var pair in sections)
        {
            pair.Value.Sort();
            for (var i = 0; i < pair.Value.Count; i++)
            {
                if (pair.Value[i] != i)
                {
                    l.Report("rfc2231-invalid", offset, line, e.Path, name, $"The continuations of \"{pair.Key}\" are not numbered 0, 1, 2 … without gaps or repeats.");
                    break;
                }
            }
        }
    }

    /// <summary>Decodes %XX escapes of an RFC 2231 value as UTF-8 (or Latin-1 for other charsets); bad escapes stay as they are.</summary>
    private static string PercentDecode(string v, string charset)
    {
        if (v.IndexOf('%') < 0)
        {
            return v;
        }

        var bytes = new List<byte>(v.Length);
        for (var i = 0; i < v.Length; i++)
        {
            if (v[i] == '%' && i + 2 < v.Length && IsHex(v[i + 1]) && IsHex(v[i + 2]))
            {
                bytes.Add(Convert.ToByte(v.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)v[i]);
            }
        }

        var arr = bytes.ToArray();
        return charset.Length == 0 || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(arr) : MimeLinter.Latin1(arr, 0, arr.Length);
    }

    private static bool IsHex(char c) => (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');

    /// <summary>type/subtype and ;attribute=value parameters with comments (RFC 2045 §5.1, RFC 822 CFWS).</summary>
    private sealed class ParamParser
    {
        private readonly string _s;
        private int _i;

        public ParamParser(string s) => _s = s;

        public bool Unterminated { get; private set; }

        private void Skip()
        {
            while (_i < _s.Length)
            {
                var c = _s[_i];
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                {
                    _i++;
                }
                else if (c == '(')
                {
                    var depth = 0;
                    while (_i < _s.Length)
                    {
                        var d = _s[_i++];
                        if (d == '\\' && _i < _s.Length)
                        {
                            // quoted-pair (RFC 5322 section 3.2.1): a backslash that ends the value escapes nothing.
                            _i++;
                        }
                        else if (d == '(')
                        {
                            depth++;
                        }
                        else if (d == ')' && --depth == 0)
                        {
                            break;
                        }
                    }

                    if (depth > 0)
                    {
                        Unterminated = true;
                    }
                }
                else
                {
                    break;
                }
            }
        }

        public bool Take(char c)
        {
            Skip();
            if (_i < _s.Length && _s[_i] == c)
            {
                _i++;
                return true;
            }

            return false;
        }

        public string Token()
        {
            Skip();
            var start = _i;
            while (_i < _s.Length && IsTokenChar(_s[_i]))
            {
                _i++;
            }

            return _s.Substring(start, _i - start);
        }

        public List<KeyValuePair<string, string>> Parameters(out string? error)
        {
            error = null;
            var list = new List<KeyValuePair<string, string>>();
            while (true)
            {
                Skip();
                if (_i >= _s.Length)
                {
                    break;
                }

                if (!Take(';'))
                {
                    error ??= $"unexpected '{_s[_i]}' at character {_i + 1}";
                    break;
                }

                Skip();
                if (_i >= _s.Length)
                {
                    break; // a trailing ';' is common and harmless
                }

                var attr = Token().ToLowerInvariant();
                if (attr.Length == 0 && _i < _s.Length && _s[_i] == ';')
                {
                    // An empty parameter (";;"): invalid, but MimeKit, Python's email and Postfix skip it and read
                    // the parameters after it, so we do too.
                    error ??= "an empty parameter (';;')";
                    continue;
                }

                if (attr.Length == 0 || !Take('='))
                {
                    error ??= attr.Length == 0 ? "a parameter without a name" : $"the parameter \"{attr}\" has no '='";
                    break;
                }

                Skip();
                string value;
                if (_i < _s.Length && _s[_i] == '"')
                {
                    var sb = new StringBuilder();
                    _i++;
                    var closed = false;
                    while (_i < _s.Length)
                    {
                        var c = _s[_i++];
                        if (c == '\\' && _i < _s.Length)
                        {
                            sb.Append(_s[_i++]);
                        }
                        else if (c == '"')
                        {
                            closed = true;
                            break;
                        }
                        else if (c != '\r' && c != '\n')
                        {
                            sb.Append(c);
                        }
                    }

                    if (!closed)
                    {
                        error ??= $"the quoted value of \"{attr}\" is not terminated";
                    }

                    value = sb.ToString();
                }
                else
                {
                    value = Token();
                    if (value.Length == 0)
                    {
                        error ??= $"the parameter \"{attr}\" has an empty or invalid value";
                    }
                }

                list.Add(new KeyValuePair<string, string>(attr, value));
            }

            if (Unterminated)
            {
                error ??= "an unterminated comment";
            }

            return list;
        }

        // RFC 2045 §5.1: token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>; 8-bit octets tolerated.
        private static bool IsTokenChar(char c) => c > ' ' && c != 127 && "()<>@,;:\\\"/[]?=".IndexOf(c) < 0;
    }

    // ------------------------------------------------------------ Date (RFC 5322 §3.3, obsolete forms §4.3)

    private static readonly string[] Days = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
    private static readonly string[] Months = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
    private static readonly HashSet<string> ObsZones = new(StringComparer.OrdinalIgnoreCase)
    {
        "UT", "GMT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT",
    };

    internal static string? DateError(string value)
    {
        var s = StripComments(value).Replace(",", " , ");
        var tokens = s.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);
        var i = 0;
        if (tokens.Length > 0 && tokens[0].Length > 0 && char.IsLetter(tokens[0][0]))
        {
            if (Array.IndexOf(Days, tokens[0].ToLowerInvariant()) < 0)
            {
                return $"\"{tokens[0]}\" is not a day of the week";
            }

            i = 1;
            if (i >= tokens.Length || tokens[i] != ",")
            {
                return "the day of the week is not followed by a comma";
            }

            i++;
        }

        if (tokens.Length - i < 5)
        {
            return tokens.Length - i == 4 ? "the time zone is missing" : "too few parts (day month year time zone)";
        }

        if (!IsDigits(tokens[i], 1, 2) || int.Parse(tokens[i], CultureInfo.InvariantCulture) is < 1 or > 31)
        {
            return $"\"{tokens[i]}\" is not a day of the month";
        }

        if (Array.IndexOf(Months, tokens[i + 1].ToLowerInvariant()) < 0)
        {
            return $"\"{tokens[i + 1]}\" is not a month name";
        }

        if (!IsDigits(tokens[i + 2], 2, 4))
        {
            return $"\"{tokens[i + 2]}\" is not a year";
        }

        var t = tokens[i + 3].Split(':');
        if (t.Length is < 2 or > 3 || !IsDigits(t[0], 2, 2) || !IsDigits(t[1], 2, 2) || (t.Length == 3 && !IsDigits(t[2], 2, 2))
            || int.Parse(t[0], CultureInfo.InvariantCulture) > 23 || int.Parse(t[1], CultureInfo.InvariantCulture) > 59
            || (t.Length == 3 && int.Parse(t[2], CultureInfo.InvariantCulture) > 60))
        {
            return $"\"{tokens[i + 3]}\" is not a time of day";
        }

        var z = tokens[i + 4];
        if ((z[0] == '+' || z[0] == '-') && z.Length == 5 && IsDigits(z.Substring(1), 4, 4))
        {
            if (int.Parse(z.Substring(3), CultureInfo.InvariantCulture) > 59 || int.Parse(z.Substring(1, 2), CultureInfo.InvariantCulture) > 23)
            {
                return $"\"{z}\" is not a time zone offset";
            }
        }
        else if (!ObsZones.Contains(z) && !(z.Length == 1 && char.IsLetter(z[0]) && z != "J" && z != "j"))
        {
            return $"\"{z}\" is not a time zone";
        }

        if (tokens.Length - i > 5)
        {
            return $"unexpected text after the zone: \"{tokens[i + 5]}\"";
        }

        return null;
    }

    private static bool IsDigits(string s, int min, int max)
    {
        if (s.Length < min || s.Length > max)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Removes RFC 5322 comments (nested parentheses), outside quoted strings.</summary>
    internal static string StripComments(string value)
    {
        if (value.IndexOf('(') < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length)
            {
                if (depth == 0)
                {
                    sb.Append(c).Append(value[i + 1]);
                }

                i++;
                continue;
            }

            if (depth == 0 && c == '"')
            {
                quoted = !quoted;
            }

            if (!quoted && c == '(')
            {
                depth++;
                continue;
            }

            if (!quoted && c == ')' && depth > 0)
            {
                depth--;
                sb.Append(' ');
                continue;
            }

            if (depth == 0)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    // ------------------------------------------------------------ Addresses (RFC 5322 §3.4) and msg-id (§3.6.4)

    internal static string? AddressError(string value, bool allowEmpty)
    {
        var quoted = false;
        var comment = 0;
        var angle = false;
        var angleHasAt = false;
        var hadAngle = false;
        var atOutside = false;
        var words = 0;
        var inWord = false;
        var elements = 0;
        var inGroup = false;
        string? error = null;

        for (var i = 0; i < value.Length && error is null; i++)
        {
            var c = value[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (comment > 0)
            {
                if (c == '(')
                {
                    comment++;
                }
                else if (c == ')')
                {
                    comment--;
                }

                continue;
            }

            if (quoted)
            {
                if (c == '"')
                {
                    quoted = false;
                }

                continue;
            }

            if (angle)
            {
                if (c == '>')
                {
                    angle = false;
                }
                else if (c == '@')
                {
                    angleHasAt = true;
                }
                else if (c == '<')
                {
                    error = "a '<' inside an angle address";
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    if (!inWord)
                    {
                        words++;
                        inWord = true;
                    }

                    break;
                case '(':
                    comment = 1;
                    inWord = false;
                    break;
                case '<':
                    if (hadAngle)
                    {
                        error = "two angle addresses in one mailbox";
                    }

                    angle = true;
                    hadAngle = true;
                    angleHasAt = false;
                    inWord = false;
                    break;
                case '>':
                    error = "a '>' without '<'";
                    break;
                case ')':
                    error = "a ')' without '('";
                    break;
                case ':':
                    if (inGroup || hadAngle)
                    {
                        error = "a ':' outside a group name";
                    }

                    inGroup = true;
                    words = 0;
                    atOutside = false;
                    inWord = false;
                    break;
                case ';':
                    if (!inGroup)
                    {
                        error = "a ';' outside a group";
                        break;
                    }

                    error = EndMailbox();
                    inGroup = false;
                    break;
                case ',':
                    error = EndMailbox();
                    break;
                case ' ':
                case '\t':
                case '\r':
                case '\n':
                    inWord = false;
                    break;
                default:
                    if (c == '@')
                    {
                        atOutside = true;
                    }

                    if (!inWord)
                    {
                        words++;
                        inWord = true;
                    }

                    break;
            }
        }

        if (error is not null)
        {
            return error;
        }

        if (quoted)
        {
            return "an unterminated quoted string";
        }

        if (comment > 0)
        {
            return "an unterminated comment";
        }

        if (angle)
        {
            return "an angle address without '>'";
        }

        if (inGroup)
        {
            return "a group without its closing ';'";
        }

        error = EndMailbox();
        if (error is not null)
        {
            return error;
        }

        return elements == 0 && !allowEmpty ? "no address" : null;

        string? EndMailbox()
        {
            string? why = null;
            if (hadAngle)
            {
                if (!angleHasAt)
                {
                    why = "an angle address without '@'";
                }
            }
            else if (words > 0)
            {
                if (!atOutside)
                {
                    why = "a mailbox without '@'";
                }
                else if (words > 1)
                {
                    why = "a display name without an angle address";
                }
            }

            if (hadAngle || words > 0)
            {
                elements++;
            }
            else if (inGroup)
            {
                elements++; // an empty group is an address
            }

            hadAngle = false;
            angleHasAt = false;
            atOutside = false;
            words = 0;
            inWord = false;
            return why;
        }
    }

    internal static string? MsgIdError(string value, bool single)
    {
        var s = StripComments(value);
        var ids = 0;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',')
            {
                i++;
                continue;
            }

            if (c != '<')
            {
                if (single)
                {
                    return "it is not enclosed in '<' and '>'";
                }

                // obs-phrase words in In-Reply-To/References (RFC 5322 §4.5.4): skip the word.
                while (i < s.Length && s[i] != ' ' && s[i] != '\t' && s[i] != '<')
                {
                    i++;
                }

                continue;
            }

            var close = s.IndexOf('>', i + 1);
            if (close < 0)
            {
                return "a '<' without '>'";
            }

            var id = s.Substring(i + 1, close - i - 1).Trim();
            var at = id.LastIndexOf('@');
            if (at <= 0 || at == id.Length - 1)
            {
                return $"\"<{id}>\" has no id-left@id-right";
            }

            foreach (var ch in id)
            {
                if (ch == ' ' || ch == '\t' || ch == '<')
                {
                    return $"\"<{id}>\" contains white space or '<'";
                }
            }

            ids++;
            i = close + 1;
        }

        if (ids == 0)
        {
            return "no <id@domain>";
        }

        return single && ids > 1 ? "more than one msg-id" : null;
    }

    // ------------------------------------------------------------ Encoded words (RFC 2047 §2, §4, §5)

    private static void EncodedWords(MimeLinter l, MimeLinter.Entity e, string name, string value, long offset, long line)
    {
        var from = 0;
        var reported = 0;
        while (reported < 3)
        {
            var start = value.IndexOf("=?", from, StringComparison.Ordinal);
            if (start < 0)
            {
                return;
            }

            var q1 = value.IndexOf('?', start + 2);
            if (q1 < 0)
            {
                return;
            }

            var charset = value.Substring(start + 2, q1 - start - 2);
            if (charset.Length == 0 || !IsEwToken(charset) || q1 + 2 >= value.Length || value[q1 + 2] != '?')
            {
                from = start + 2;
                continue; // not an encoded word at all
            }

            var enc = char.ToUpperInvariant(value[q1 + 1]);
            var textStart = q1 + 3;
            var end = value.IndexOf("?=", textStart, StringComparison.Ordinal);
            string? why = null;
            if (end < 0)
            {
                why = "it is not terminated by '?='";
                end = value.Length - 2;
            }
            else
            {
                var text = value.Substring(textStart, end - textStart);
                if (text.IndexOfAny(new[] { ' ', '\t', '\r', '\n' }) >= 0)
                {
                    why = "it contains white space";
                }
                else if (enc != 'B' && enc != 'Q')
                {
                    why = $"the encoding '{value[q1 + 1]}' is neither B nor Q";
                }
                else if (enc == 'B' && !Base64Ok(text))
                {
                    why = "the B payload is not valid base64";
                }
                else if (enc == 'Q' && !QOk(text))
                {
                    why = "the Q payload has a bad '=' escape or a forbidden character";
                }
                else if (end + 2 - start > 75)
                {
                    why = $"it is {end + 2 - start} characters long (at most 75)";
                }
                else
                {
                    var cs = charset;
                    var star = cs.IndexOf('*');
                    if (star >= 0)
                    {
                        cs = cs.Substring(0, star);
                    }

                    if (!KnownCharsets.Contains(cs))
                    {
                        why = $"the charset \"{cs}\" is unknown";
                    }
                }
            }

            if (why is not null)
            {
                reported++;
                l.Report("encoded-word-invalid", offset, line, e.Path, name, $"An encoded word in {name} is invalid: {why}.");
            }

            from = Math.Min(value.Length, end + 2);
        }
    }

    private static bool IsEwToken(string s)
    {
        foreach (var c in s)
        {
            if (c <= ' ' || c >= 127 || "()<>@,;:\"/[]?.=".IndexOf(c) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Base64Ok(string t)
    {
        if (t.Length % 4 != 0)
        {
            return false;
        }

        var pad = 0;
        foreach (var c in t)
        {
            if (c == '=')
            {
                pad++;
                continue;
            }

            if (pad > 0 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
            {
                return false;
            }
        }

        return pad <= 2;
    }

    private static bool QOk(string t)
    {
        for (var i = 0; i < t.Length; i++)
        {
            var c = t[i];
            if (c == '=')
            {
                if (i + 2 >= t.Length)
                {
                    return false;
                }

                if (!IsHex(t[i + 1]) || !IsHex(t[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (c <= ' ' || c >= 127 || c == '?')
            {
                return false;
            }
        }

        return true;
    }
}
