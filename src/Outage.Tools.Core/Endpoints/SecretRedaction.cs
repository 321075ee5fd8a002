using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Reflection;
using System.Text;

namespace Outage.Tools.Core.Endpoints;

/// <summary>
/// A server can reflect what it was sent — the password, the Basic token (RFC 7617 §2) — into a status line,
/// a Location, a header the probe records or the body. Before a probe's result leaves Core, every string it
/// holds (the result, its hops and attempts, lists and header maps) has the secret and its encodings replaced by
/// <see cref="Mask"/>, so no output stream, history file or report can carry it.
/// </summary>
internal static class SecretRedaction
{
    public const string Mask = "[redacted]";

    /// <summary>Passwords shorter than this are not searched for: they would mask ordinary words (and are no secret).</summary>
    private const int MinimumLength = 4;

    /// <summary>The password, the Basic tokens the probes build from it, and their URL-escaped forms; longest first.</summary>
    public static string[] SecretsOf(NetworkCredential? credential)
    {
        if (credential is null || string.IsNullOrEmpty(credential.Password) || credential.Password.Length < MinimumLength)
        {
            return Array.Empty<string>();
        }

        var users = new[] { credential.UserName, string.IsNullOrEmpty(credential.Domain) ? null : credential.Domain + "\\" + credential.UserName };
        var plain = new List<string> { credential.Password };
        plain.AddRange(users.Where(u => u is not null).Select(u => Convert.ToBase64String(Encoding.UTF8.GetBytes(u + ":" + credential.Password))));
        return plain.Concat(plain.Select(Uri.EscapeDataString)).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
    }

    public static string? Redact(string? text, string[] secrets)
    {
        if (text is null || secrets.Length == 0)
        {
            return text;
        }

        foreach (var s in secrets)
        {
            if (text.IndexOf(s, StringComparison.Ordinal) >= 0)
            {
                text = text.Replace(s, Mask);
            }
        }

        return text;
    }

    /// <summary>Replaces the secrets in every public settable string, string list and string map of <paramref name="result"/>, recursively.</summary>
    public static T Scrub<T>(T result, NetworkCredential? credential)
        where T : class
    {
        var secrets = SecretsOf(credential);
        if (secrets.Length > 0)
        {
            Scrub(result, secrets, 0);
        }

        return result;
    }

    private static void Scrub(object? o, string[] secrets, int depth)
    {
        if (o is null || depth > 4 || o.GetType().Namespace != typeof(SecretRedaction).Namespace)
        {
            return;
        }

        foreach (var p in o.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var value = p.GetValue(o);
            switch (value)
            {
                case IList<string> mutable when !mutable.IsReadOnly:
                    for (var i = 0; i < mutable.Count; i++)
                    {
                        mutable[i] = Redact(mutable[i], secrets)!;
                    }

                    break;
                case string s when p.CanWrite:
                    p.SetValue(o, Redact(s, secrets));
                    break;
                case IReadOnlyDictionary<string, string> map when p.CanWrite && map.Any(kv => Redact(kv.Value, secrets) != kv.Value):
                    p.SetValue(o, map.ToDictionary(kv => kv.Key, kv => Redact(kv.Value, secrets)!, StringComparer.OrdinalIgnoreCase));
                    break;
                case IEnumerable<string> list when p.CanWrite && p.PropertyType.IsAssignableFrom(typeof(string[])):
                    p.SetValue(o, list.Select(x => Redact(x, secrets)!).ToArray());
                    break;
                case IEnumerable<string> list when p.CanWrite && p.PropertyType.IsAssignableFrom(typeof(List<string>)):
                    p.SetValue(o, list.Select(x => Redact(x, secrets)!).ToList());
                    break;
                case System.Collections.IEnumerable items when value is not string:
                    foreach (var item in items)
                    {
                        Scrub(item, secrets, depth + 1);
                    }

                    break;
                default:
                    Scrub(value, secrets, depth + 1);
                    break;
            }
        }
    }
}
