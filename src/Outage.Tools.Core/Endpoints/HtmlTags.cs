using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Outage.Tools.Core.Endpoints;

/// <summary>One start tag: its lower-case name and attributes (lower-case names, values with character references decoded).</summary>
public sealed class HtmlTag
{
    public HtmlTag(string name, IReadOnlyDictionary<string, string> attributes) => (Name, Attributes) = (name, attributes);

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Attributes { get; }

    public string? this[string attribute] => Attributes.TryGetValue(attribute, out var v) ? v : null;
}

/// <summary>
/// A small tokenizer for the start tags of an HTML page, following the attribute rules of the HTML Living
/// Standard §13.2.5 "Tokenization" (before/after attribute name, attribute value double-quoted, single-quoted
/// and unquoted states): names are ASCII-case-insensitive, a value may be in "…", '…' or bare up to
/// whitespace or '>', whitespace around '=' is allowed, the first of duplicate attributes wins, and character
/// references (§13.5, named for the common ones, decimal and hexadecimal) are decoded. Comments, doctype,
/// processing instructions, end tags and the text of raw-text elements (script, style, textarea, title) are
/// skipped, so <c>type="password"</c> inside a script is not an input. Bounded: at most
/// <paramref name="maxTags"/> tags are returned and every loop advances.
/// </summary>
public static class HtmlTags
{
    private static readonly string[] RawText = { "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes" };

    public static IEnumerable<HtmlTag> StartTags(string html, int maxTags = 10000)
    {
        if (html is null)
        {
            throw new ArgumentNullException(nameof(html));
        }

        var pos = 0;
        var count = 0;
        while (count < maxTags)
        {
            var lt = html.IndexOf('<', pos);
            if (lt < 0 || lt + 1 >= html.Length)
            {
                yield break;
            }

            pos = lt + 1;
            var c = html[pos];
            if (c == '!')
            {
                // Comment "<!-- … -->" (§13.2.5.43) or a bogus comment/doctype up to '>'.
                if (string.CompareOrdinal(html, pos, "!--", 0, 3) == 0)
                {
                    var end = html.IndexOf("-->", pos + 3, StringComparison.Ordinal);
                    pos = end < 0 ? html.Length : end + 3;
                }
                else
                {
                    pos = Skip(html, pos);
                }

                continue;
            }

            if (c is '?' or '/')
            {
                pos = Skip(html, pos);
                continue;
            }

            if (!IsAsciiAlpha(c))
            {
                continue;
            }

            var tag = ReadTag(html, ref pos);
            count++;
            yield return tag;
            if (Array.IndexOf(RawText, tag.Name) >= 0)
            {
                // Raw text up to the matching end tag "</name" (case-insensitive).
                var end = html.IndexOf("</" + tag.Name, pos, StringComparison.OrdinalIgnoreCase);
                pos = end < 0 ? html.Length : end;
            }
        }
    }

    private static int Skip(string html, int pos)
    {
        var gt = html.IndexOf('>', pos);
        return gt < 0 ? html.Length : gt + 1;
    }

    private static HtmlTag ReadTag(string s, ref int pos)
    {
        var start = pos;
        while (pos < s.Length && !IsSpace(s[pos]) && s[pos] != '/' && s[pos] != '>')
        {
            pos++;
        }

        var name = s.Substring(start, pos - start).ToLowerInvariant();
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        while (pos < s.Length)
        {
            while (pos < s.Length && (IsSpace(s[pos]) || s[pos] == '/'))
            {
                pos++;
            }

            if (pos >= s.Length)
            {
                break;
            }

            if (s[pos] == '>')
            {
                pos++;
                break;
            }

            // Attribute name: up to whitespace, '/', '>' or '=' (a leading '=' belongs to the name, §13.2.5.32).
            var nameStart = pos++;
            while (pos < s.Length && !IsSpace(s[pos]) && s[pos] != '/' && s[pos] != '>' && s[pos] != '=')
            {
                pos++;
            }

            var attr = s.Substring(nameStart, pos - nameStart).ToLowerInvariant();
            while (pos < s.Length && IsSpace(s[pos]))
            {
                pos++;
            }

            var value = string.Empty;
            if (pos < s.Length && s[pos] == '=')
            {
                pos++;
                while (pos < s.Length && IsSpace(s[pos]))
                {
                    pos++;
                }

                if (pos < s.Length && (s[pos] == '"' || s[pos] == '\''))
                {
                    var quote = s[pos++];
                    var end = s.IndexOf(quote, pos);
                    end = end < 0 ? s.Length : end;
                    value = Decode(s.Substring(pos, end - pos));
                    pos = Math.Min(s.Length, end + 1);
                }
                else
                {
                    var valueStart = pos;
                    while (pos < s.Length && !IsSpace(s[pos]) && s[pos] != '>')
                    {
                        pos++;
                    }

                    value = Decode(s.Substring(valueStart, pos - valueStart));
                }
            }

            if (!attributes.ContainsKey(attr))
            {
                attributes[attr] = value;
            }
        }

        return new HtmlTag(name, attributes);
    }

    private static readonly Dictionary<string, string> Named = new(StringComparer.Ordinal)
    {
        ["amp"] = "&", ["lt"] = "<", ["gt"] = ">", ["quot"] = "\"", ["apos"] = "'", ["nbsp"] = "\u00A0",
        ["sol"] = "/", ["period"] = ".", ["colon"] = ":", ["equals"] = "=", ["num"] = "#", ["lowbar"] = "_", ["hyphen"] = "-",
    };

    /// <summary>Decodes character references (§13.2.5.72–80): named ones of <see cref="Named"/>, &amp;#NNN; and &amp;#xHH;.</summary>
    public static string Decode(string value)
    {
        if (value.IndexOf('&') < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var semi = value[i] == '&' ? value.IndexOf(';', i + 1) : -1;
            if (semi > i + 1 && semi - i <= 12)
            {
                var entity = value.Substring(i + 1, semi - i - 1);
                if (entity[0] == '#' && Number(entity) is int code && code > 0 && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF))
                {
                    sb.Append(char.ConvertFromUtf32(code));
                    i = semi;
                    continue;
                }

                if (Named.TryGetValue(entity, out var text))
                {
                    sb.Append(text);
                    i = semi;
                    continue;
                }
            }

            sb.Append(value[i]);
        }

        return sb.ToString();
    }

    private static int? Number(string entity)
    {
        var hex = entity.Length > 1 && (entity[1] == 'x' || entity[1] == 'X');
        var digits = entity.Substring(hex ? 2 : 1);
        return int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    private static bool IsAsciiAlpha(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
