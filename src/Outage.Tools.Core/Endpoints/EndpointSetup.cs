using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Endpoints;

/// <summary>Turns front-end arguments (a root certificate file, a DNS server) into probe options; unusable ones throw <see cref="OutageException"/>.</summary>
public static class EndpointSetup
{
    /// <summary>Reads a root certificate from a PEM or DER file.</summary>
    public static X509Certificate2 LoadTrustedRoot(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
        {
            throw new OutageException(new ItemError(File.Exists(path) ? ErrorIds.PathNotReadable : ErrorIds.PathNotFound,
                OutageErrorCategory.ReadError, $"Cannot read the trusted root certificate '{path}': {ex.Message}", path));
        }

        var text = System.Text.Encoding.ASCII.GetString(bytes);
        const string begin = "-----BEGIN CERTIFICATE-----";
        const string end = "-----END CERTIFICATE-----";
        var b = text.IndexOf(begin, StringComparison.Ordinal);
        try
        {
            if (b >= 0)
            {
                var e = text.IndexOf(end, b, StringComparison.Ordinal);
                if (e < 0)
                {
                    throw new FormatException("The PEM block has no END line.");
                }

                bytes = Convert.FromBase64String(text.Substring(b + begin.Length, e - b - begin.Length));
            }

            return new X509Certificate2(bytes);
        }
        catch (Exception ex) when (ex is FormatException || ex is CryptographicException)
        {
            throw new OutageException(new ItemError(ErrorIds.TrustedRootInvalid, OutageErrorCategory.InvalidData,
                $"'{path}' is not a certificate (PEM or DER): {ex.Message}", path, "Export the root CA certificate as .cer (DER) or .pem."));
        }
    }

    /// <summary>The resolver for -DnsServer: our DNS client asking that server, or the system resolver when none is given.</summary>
    public static IHostResolver ResolverFor(string? dnsServer) =>
        string.IsNullOrWhiteSpace(dnsServer) ? SystemHostResolver.Instance : new DnsHostResolver(dnsServer!);
}
