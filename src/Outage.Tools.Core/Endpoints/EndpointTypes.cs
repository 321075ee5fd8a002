using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace Outage.Tools.Core.Endpoints;

/// <summary>The verdict of one probe.</summary>
public enum ProbeStatus
{
    /// <summary>The endpoint answered the way a healthy front end does.</summary>
    Pass,

    /// <summary>It answered, with something an admin should look at (certificate check skipped, off-domain redirect, unexpected content).</summary>
    Warn,

    /// <summary>It did not work: name, connection, TLS, certificate or HTTP/SMTP answer; Detail says which and why.</summary>
    Fail,

    /// <summary>The probe itself could not be carried out (an unexpected failure on our side).</summary>
    Error,
}

/// <summary>Address family to use for connections.</summary>
public enum ProbeAddressFamily
{
    Any,
    IPv4,
    IPv6,
}

/// <summary>
/// Durations of the phases of one connection, in milliseconds, each phase on its own (like blackbox_exporter's
/// phases, not cumulative like curl's -w times): DnsLookup, Connect, TlsHandshake, FirstByte (request sent →
/// first byte of the answer), and Total (the whole hop, body included). A phase not reached is null.
/// </summary>
public sealed class PhaseTimings
{
    public double? DnsLookupMs { get; set; }

    public double? ConnectMs { get; set; }

    public double? TlsHandshakeMs { get; set; }

    public double? FirstByteMs { get; set; }

    public double TotalMs { get; set; }

    public override string ToString() =>
        $"dns {F(DnsLookupMs)} connect {F(ConnectMs)} tls {F(TlsHandshakeMs)} firstbyte {F(FirstByteMs)} total {TotalMs:0.0} ms";

    private static string F(double? v) => v.HasValue ? v.Value.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : "-";
}

/// <summary>What the TLS handshake established and what the server certificate says.</summary>
public sealed class TlsDetails
{
    /// <summary>Negotiated protocol, e.g. Tls12, Tls13.</summary>
    public string? Protocol { get; set; }

    /// <summary>Bulk cipher as far as the platform reports it (netstandard2.0 exposes algorithm and strength, not the suite name).</summary>
    public string? Cipher { get; set; }

    public int CipherStrength { get; set; }

    public string? HashAlgorithm { get; set; }

    public string? KeyExchange { get; set; }

    public string? Subject { get; set; }

    public IReadOnlyList<string> SubjectAlternativeNames { get; set; } = Array.Empty<string>();

    public string? Issuer { get; set; }

    public string? Thumbprint { get; set; }

    public DateTimeOffset? NotBefore { get; set; }

    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>Whole days from now until NotAfter (negative when expired).</summary>
    public int? DaysUntilExpiry { get; set; }

    /// <summary>Whether the name we connected to matches a SAN (or, without SANs, the subject CN).</summary>
    public bool NameMatches { get; set; }

    /// <summary>Whether the chain builds to a trusted root (the system store, or -TrustedRootCertificate) and every certificate is in its validity period.</summary>
    public bool ChainValid { get; set; }

    /// <summary>The chain, leaf first, as subjects.</summary>
    public IReadOnlyList<string> Chain { get; set; } = Array.Empty<string>();

    /// <summary>Why the certificate is not valid (chain status, expiry, name), or null.</summary>
    public string? Reason { get; set; }

    /// <summary>True when the probe ran with -SkipCertificateCheck: a bad certificate did not stop it.</summary>
    public bool CertificateCheckSkipped { get; set; }

    /// <summary>ChainValid and NameMatches.</summary>
    public bool CertificateValid => ChainValid && NameMatches;
}

/// <summary>One HTTP request and its answer in a probe (one per redirect hop).</summary>
public sealed class HttpHop
{
    public int Index { get; set; }

    public string Method { get; set; } = "GET";

    public string Url { get; set; } = string.Empty;

    /// <summary>The address we connected to.</summary>
    public string? RemoteAddress { get; set; }

    /// <summary>HTTP status code, or 0 when no answer came.</summary>
    public int StatusCode { get; set; }

    public string? ReasonPhrase { get; set; }

    public string? Location { get; set; }

    public string? ContentType { get; set; }

    public long? ContentLength { get; set; }

    /// <summary>Authentication schemes offered in WWW-Authenticate (Negotiate, NTLM, Basic, Bearer…).</summary>
    public IReadOnlyList<string> AuthSchemes { get; set; } = Array.Empty<string>();

    public string? RetryAfter { get; set; }

    /// <summary>Selected diagnostic headers: Server, X-FEServer, X-BEServer, X-CalculatedBETarget, X-OWA-Version, request-id, X-MS-Diagnostics…</summary>
    public IReadOnlyDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();

    public PhaseTimings Timings { get; set; } = new();

    public TlsDetails? Tls { get; set; }

    /// <summary>Why this hop failed (name, connection, TLS, timeout, protocol), or null.</summary>
    public string? Error { get; set; }

    /// <summary>The phase the hop failed in (DnsLookup, Connect, TlsHandshake, FirstByte, Body), or null.</summary>
    public string? FailedPhase { get; set; }

    internal string? Body { get; set; }

    internal bool TimedOut { get; set; }

    internal HttpHeaderList? AllHeaders { get; set; }

    public override string ToString() => $"{Method} {Url} → {(StatusCode == 0 ? Error : StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
}

/// <summary>The result of an HTTP endpoint probe (OWA, ActiveSync, EWS).</summary>
public sealed class HttpEndpointResult
{
    /// <summary>What was asked for (the URI or host name as given).</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>Owa, ActiveSync or Ews.</summary>
    public string Check { get; set; } = string.Empty;

    public ProbeStatus Status { get; set; }

    /// <summary>The outcome class: LoginForm, AuthenticationRequired, IdentityProviderRedirect, Authenticated, ServerError, Unavailable, NotFound, UnexpectedContent, TooManyRedirects, NameNotResolved, ConnectFailed, TlsFailed, CertificateInvalid, Timeout, ProtocolError…</summary>
    public string Outcome { get; set; } = string.Empty;

    public string Summary { get; set; } = string.Empty;

    public string? Detail { get; set; }

    public string Url { get; set; } = string.Empty;

    public string? FinalUrl { get; set; }

    public int StatusCode { get; set; }

    public IReadOnlyList<string> AuthSchemes { get; set; } = Array.Empty<string>();

    public string? RetryAfter { get; set; }

    /// <summary>Timings of the first hop (the endpoint itself).</summary>
    public PhaseTimings Timings { get; set; } = new();

    /// <summary>Total over every hop, in milliseconds.</summary>
    public double TotalMs { get; set; }

    /// <summary>TLS of the first hop.</summary>
    public TlsDetails? Tls { get; set; }

    public bool CertificateCheckSkipped { get; set; }

    /// <summary>Whether a redirect left the domain of the target.</summary>
    public bool LeftDomain { get; set; }

    public IReadOnlyList<HttpHop> Hops { get; set; } = Array.Empty<HttpHop>();

    /// <summary>Headers of the final answer (selected).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();

    /// <summary>ActiveSync: MS-ASProtocolVersions (with -Credential).</summary>
    public IReadOnlyList<string> ProtocolVersions { get; set; } = Array.Empty<string>();

    /// <summary>ActiveSync: MS-ASProtocolCommands (with -Credential).</summary>
    public IReadOnlyList<string> ProtocolCommands { get; set; } = Array.Empty<string>();

    /// <summary>EWS with -Credential: the SOAP response code or fault of the minimal request.</summary>
    public string? SoapResponse { get; set; }

    public override string ToString() => $"{Check} {Target}: {Status} {Summary}";
}

/// <summary>Resolves host names for the probes. The default uses the system resolver; -DnsServer plugs in our DNS client.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, AddressFamily? family, CancellationToken cancellationToken);
}

/// <summary>The system resolver (Dns.GetHostAddressesAsync), filtered by family.</summary>
public sealed class SystemHostResolver : IHostResolver
{
    public static readonly SystemHostResolver Instance = new();

    public async Task<IPAddress[]> ResolveAsync(string host, AddressFamily? family, CancellationToken cancellationToken)
    {
        var lookup = System.Net.Dns.GetHostAddressesAsync(host);
        var done = await Task.WhenAny(lookup, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        if (done != lookup)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        var all = await lookup.ConfigureAwait(false);
        return family is null ? all : Array.FindAll(all, a => a.AddressFamily == family);
    }
}

/// <summary>Options shared by every endpoint probe.</summary>
public class EndpointProbeOptions
{
    /// <summary>Budget for the whole probe (every hop); default 15 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool SkipCertificateCheck { get; set; }

    /// <summary>A private root to trust (in addition to the system store).</summary>
    public X509Certificate2? TrustedRoot { get; set; }

    /// <summary>Sent only over TLS and only to the target's host, never after a redirect to another host; never echoed.</summary>
    public NetworkCredential? Credential { get; set; }

    public IHostResolver Resolver { get; set; } = SystemHostResolver.Instance;

    public ProbeAddressFamily AddressFamily { get; set; } = ProbeAddressFamily.Any;

    public int ThrottleLimit { get; set; } = 8;

    public int MaxRedirects { get; set; } = 10;

    internal AddressFamily? SocketFamily => AddressFamily switch
    {
        ProbeAddressFamily.IPv4 => System.Net.Sockets.AddressFamily.InterNetwork,
        ProbeAddressFamily.IPv6 => System.Net.Sockets.AddressFamily.InterNetworkV6,
        _ => null,
    };
}

/// <summary>A request for OWA, ActiveSync or EWS probes: URIs or host names.</summary>
public sealed class HttpEndpointRequest : EndpointProbeOptions
{
    public IList<string> Targets { get; } = new List<string>();
}
