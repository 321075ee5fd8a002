using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Outage.Tools.Core.Endpoints;

/// <summary>
/// Judges a server certificate the way a client would, but records the facts instead of only refusing:
/// chain (system store, or a private root given with -TrustedRootCertificate), validity period and name.
/// </summary>
internal static class TlsInspector
{
    public static TlsDetails Inspect(X509Certificate? certificate, X509Chain? presented, string host, X509Certificate2? trustedRoot)
    {
        var details = new TlsDetails();
        if (certificate is null)
        {
            details.Reason = "The server sent no certificate.";
            return details;
        }

        var leaf = new X509Certificate2(certificate);
        details.Subject = leaf.Subject;
        details.Issuer = leaf.Issuer;
        details.Thumbprint = leaf.Thumbprint;
        details.NotBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        details.NotAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        details.DaysUntilExpiry = (int)Math.Floor((details.NotAfter.Value - DateTimeOffset.UtcNow).TotalDays);
        var sans = SubjectAlternativeNames(leaf);
        details.SubjectAlternativeNames = sans;
        details.NameMatches = NameMatches(host, sans, leaf);

        var reasons = new List<string>();
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (presented is not null)
            {
                foreach (var element in presented.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (trustedRoot is not null)
            {
                chain.ChainPolicy.ExtraStore.Add(trustedRoot);
                chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            }

            var built = chain.Build(leaf);
            details.Chain = chain.ChainElements.Cast<X509ChainElement>().Select(e => e.Certificate.Subject).ToArray();
            var root = chain.ChainElements.Count > 0 ? chain.ChainElements[chain.ChainElements.Count - 1].Certificate : null;
            var statuses = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).ToList();
            if (trustedRoot is not null && root is not null &&
                string.Equals(root.Thumbprint, trustedRoot.Thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                // Trust the private root: UntrustedRoot is expected, anything else still counts.
                statuses.RemoveAll(s => s.Status == X509ChainStatusFlags.UntrustedRoot);
                built = statuses.Count == 0;
            }
            else if (trustedRoot is not null && built && !IsSystemTrusted(leaf, presented))
            {
                built = false;
                reasons.Add("The chain does not end at the trusted root given.");
            }

            foreach (var status in statuses)
            {
                reasons.Add(Describe(status, details));
            }

            if (!built && statuses.Count == 0 && reasons.Count == 0)
            {
                reasons.Add("The chain could not be built.");
            }

            details.ChainValid = built && reasons.Count == 0;
        }

        if (!details.NameMatches)
        {
            reasons.Add($"The certificate is not valid for '{host}' (names: {(sans.Count > 0 ? string.Join(", ", sans) : leaf.Subject)}).");
        }

        details.Reason = reasons.Count == 0 ? null : string.Join(" ", reasons.Distinct());
        return details;
    }

    private static bool IsSystemTrusted(X509Certificate2 leaf, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }

    private static string Describe(X509ChainStatus status, TlsDetails details) => status.Status switch
    {
        X509ChainStatusFlags.NotTimeValid when details.NotAfter < DateTimeOffset.UtcNow =>
            $"The certificate expired on {details.NotAfter:yyyy-MM-dd HH:mm} UTC.",
        X509ChainStatusFlags.NotTimeValid when details.NotBefore > DateTimeOffset.UtcNow =>
            $"The certificate is not valid before {details.NotBefore:yyyy-MM-dd HH:mm} UTC.",
        X509ChainStatusFlags.NotTimeValid => "A certificate in the chain is outside its validity period.",
        X509ChainStatusFlags.UntrustedRoot => "The chain ends at a root that is not trusted (use -TrustedRootCertificate for a private PKI).",
        X509ChainStatusFlags.PartialChain => "The chain is incomplete: an intermediate certificate is missing or the issuer is unknown.",
        _ => $"{status.Status}: {status.StatusInformation?.Trim()}",
    };

    public static bool NameMatches(string host, IReadOnlyList<string> sans, X509Certificate2 leaf)
    {
        var names = sans.Count > 0 ? sans : CommonNames(leaf);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            return names.Any(n => IPAddress.TryParse(n, out var other) && other.Equals(ip));
        }

        host = host.TrimEnd('.');
        foreach (var name in names)
        {
            if (string.Equals(name, host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (name.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = host.IndexOf('.');
                if (dot > 0 && string.Equals(host.Substring(dot + 1), name.Substring(2), StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IReadOnlyList<string> CommonNames(X509Certificate2 leaf)
    {
        var cn = leaf.GetNameInfo(X509NameType.SimpleName, false);
        return string.IsNullOrEmpty(cn) ? Array.Empty<string>() : new[] { cn };
    }

    /// <summary>DNS names and IP addresses of the SAN extension, read from its DER (the text form differs by platform).</summary>
    public static IReadOnlyList<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var result = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }

            try
            {
                var der = extension.RawData;
                var pos = 0;
                if (!ReadHeader(der, ref pos, out var tag, out var length) || tag != 0x30)
                {
                    continue;
                }

                var end = Math.Min(der.Length, pos + length);
                while (pos < end)
                {
                    if (!ReadHeader(der, ref pos, out tag, out length) || pos + length > end)
                    {
                        break;
                    }

                    if (tag == 0x82)
                    {
                        result.Add(System.Text.Encoding.ASCII.GetString(der, pos, length));
                    }
                    else if (tag == 0x87 && (length == 4 || length == 16))
                    {
                        var bytes = new byte[length];
                        Buffer.BlockCopy(der, pos, bytes, 0, length);
                        result.Add(new IPAddress(bytes).ToString());
                    }

                    pos += length;
                }
            }
            catch (ArgumentException)
            {
            }
        }

        return result;
    }

    private static bool ReadHeader(byte[] der, ref int pos, out int tag, out int length)
    {
        tag = 0;
        length = 0;
        if (pos + 2 > der.Length)
        {
            return false;
        }

        tag = der[pos++];
        int first = der[pos++];
        if (first < 0x80)
        {
            length = first;
            return true;
        }

        var count = first & 0x7f;
        if (count == 0 || count > 3 || pos + count > der.Length)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            length = (length << 8) | der[pos++];
        }

        return true;
    }

    public static void AddSessionFacts(TlsDetails details, SslStream ssl)
    {
        details.Protocol = ssl.SslProtocol.ToString();
        details.Cipher = ssl.CipherAlgorithm.ToString();
        details.CipherStrength = ssl.CipherStrength;
        details.HashAlgorithm = ssl.HashAlgorithm.ToString();
        details.KeyExchange = ssl.KeyExchangeAlgorithm.ToString();
    }

    public static string Days(int? days) => days?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
