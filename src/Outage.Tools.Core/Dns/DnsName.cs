using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Outage.Tools.Core.Dns;

/// <summary>
/// Domain names in presentation form (RFC 1035 §5.1): labels separated by dots, "\." and "\\" escapes,
/// "\DDD" for any other octet. Limits of RFC 1035 §2.3.4: labels ≤ 63 octets, names ≤ 255 octets on the wire.
/// </summary>
public static class DnsName
{
    public const int MaxLabelLength = 63;
    public const int MaxWireLength = 255;

    /// <summary>The name with a trailing dot ("example.test" → "example.test."); "" and "." are the root.</summary>
    public static string Fqdn(string name)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        name = name.Trim();
        if (name.Length == 0 || name == ".")
        {
            return ".";
        }

        return name.EndsWith(".", StringComparison.Ordinal) && !name.EndsWith("\\.", StringComparison.Ordinal) ? name : name + ".";
    }

    /// <summary>Case-insensitive comparison of two names (RFC 4343), ignoring a trailing dot.</summary>
    public static bool Equal(string a, string b) => string.Equals(Fqdn(a), Fqdn(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>Splits a presentation-form name into wire labels, checking the RFC 1035 limits.</summary>
    public static List<byte[]> ToLabels(string name)
    {
        var fq = Fqdn(name);
        var labels = new List<byte[]>();
        if (fq == ".")
        {
            return labels;
        }

        var current = new List<byte>();
        var wire = 1;
        for (var i = 0; i < fq.Length; i++)
        {
            var c = fq[i];
            if (c == '\\')
            {
                if (i + 3 < fq.Length && char.IsDigit(fq[i + 1]) && char.IsDigit(fq[i + 2]) && char.IsDigit(fq[i + 3]))
                {
                    var v = int.Parse(fq.Substring(i + 1, 3), CultureInfo.InvariantCulture);
                    if (v > 255)
                    {
                        throw new ArgumentException($"The escape \\{v} in '{name}' is not an octet.", nameof(name));
                    }

                    current.Add((byte)v);
                    i += 3;
                }
                else if (i + 1 < fq.Length)
                {
                    current.Add((byte)fq[++i]);
                }
                else
                {
                    throw new ArgumentException($"The name '{name}' ends in a lone backslash.", nameof(name));
                }
            }
            else if (c == '.')
            {
                if (current.Count == 0)
                {
                    throw new ArgumentException($"The name '{name}' has an empty label.", nameof(name));
                }

                if (current.Count > MaxLabelLength)
                {
                    throw new ArgumentException($"A label of '{name}' is longer than 63 octets (RFC 1035 §2.3.4).", nameof(name));
                }

                wire += current.Count + 1;
                labels.Add(current.ToArray());
                current.Clear();
            }
            else if (c > 0x7F)
            {
                throw new ArgumentException($"The name '{name}' has a non-ASCII character; give internationalized names in their A-label (xn--) form.", nameof(name));
            }
            else
            {
                current.Add((byte)c);
            }
        }

        if (wire > MaxWireLength)
        {
            throw new ArgumentException($"The name '{name}' is longer than 255 octets on the wire (RFC 1035 §2.3.4).", nameof(name));
        }

        return labels;
    }

    internal static string JoinFrom(List<byte[]> labels, int start)
    {
        var sb = new StringBuilder();
        for (var i = start; i < labels.Count; i++)
        {
            AppendLabel(sb, labels[i], 0, labels[i].Length);
            sb.Append('.');
        }

        return sb.ToString();
    }

    internal static void AppendLabel(StringBuilder sb, byte[] buffer, int offset, int count)
    {
        for (var i = offset; i < offset + count; i++)
        {
            var b = buffer[i];
            if (b == (byte)'.' || b == (byte)'\\')
            {
                sb.Append('\\').Append((char)b);
            }
            else if (b <= 0x20 || b >= 0x7F)
            {
                sb.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)b);
            }
        }
    }

    /// <summary>The reverse-lookup name of an address (RFC 1035 §3.5, RFC 3596 §2.5).</summary>
    public static string ReverseOf(System.Net.IPAddress address)
    {
        if (address is null)
        {
            throw new ArgumentNullException(nameof(address));
        }

        var bytes = address.GetAddressBytes();
        var sb = new StringBuilder();
        if (bytes.Length == 4)
        {
            for (var i = 3; i >= 0; i--)
            {
                sb.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
            }

            return sb.Append("in-addr.arpa.").ToString();
        }

        for (var i = 15; i >= 0; i--)
        {
            sb.Append("0123456789abcdef"[bytes[i] & 0xF]).Append('.').Append("0123456789abcdef"[bytes[i] >> 4]).Append('.');
        }

        return sb.Append("ip6.arpa.").ToString();
    }
}
