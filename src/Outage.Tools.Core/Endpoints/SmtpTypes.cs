using System;
using System.Collections.Generic;

namespace Outage.Tools.Core.Endpoints;

/// <summary>How TLS is used on an SMTP connection.</summary>
public enum SmtpTlsMode
{
    /// <summary>Plain connect, then STARTTLS (port 25 or 587). Fails when STARTTLS is not offered.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Implicit,

    /// <summary>No TLS: banner and EHLO only.</summary>
    None,
}

/// <summary>Phase durations of an SMTP probe in milliseconds, each on its own; null when not reached.</summary>
public sealed class SmtpTimings
{
    public double? DnsLookupMs { get; set; }

    public double? ConnectMs { get; set; }

    /// <summary>Connected (or TLS done, for implicit TLS) → complete 220 banner.</summary>
    public double? BannerMs { get; set; }

    /// <summary>EHLO sent → complete reply (the first EHLO).</summary>
    public double? EhloMs { get; set; }

    /// <summary>STARTTLS sent → handshake done (or the implicit TLS handshake).</summary>
    public double? TlsHandshakeMs { get; set; }

    /// <summary>MAIL FROM sent → last RCPT TO reply.</summary>
    public double? EnvelopeMs { get; set; }

    public double TotalMs { get; set; }

    public override string ToString() =>
        $"dns {F(DnsLookupMs)} connect {F(ConnectMs)} banner {F(BannerMs)} ehlo {F(EhloMs)} tls {F(TlsHandshakeMs)} envelope {F(EnvelopeMs)} total {TotalMs:0.0} ms";

    private static string F(double? v) => v.HasValue ? v.Value.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : "-";
}

/// <summary>The result of Test-SmtpEndpoint for one host.</summary>
public sealed class SmtpEndpointResult
{
    public string Target { get; set; } = string.Empty;

    public string Check { get; set; } = "Smtp";

    public ProbeStatus Status { get; set; }

    /// <summary>Ready, EnvelopeAccepted, RecipientRejected, SenderRejected, TemporaryFailure, BannerRejected, StartTlsNotOffered, StartTlsRefused, TlsFailed, CertificateInvalid, NameNotResolved, ConnectFailed, Timeout, ProtocolError, ConnectionClosed…</summary>
    public string Outcome { get; set; } = string.Empty;

    public string Summary { get; set; } = string.Empty;

    public string? Detail { get; set; }

    public string Host { get; set; } = string.Empty;

    public int Port { get; set; }

    public string? RemoteAddress { get; set; }

    public SmtpTlsMode TlsMode { get; set; }

    public int BannerCode { get; set; }

    public string? Banner { get; set; }

    /// <summary>EHLO keywords with their parameters (before TLS, or after it for implicit TLS).</summary>
    public IReadOnlyList<string> Extensions { get; set; } = Array.Empty<string>();

    /// <summary>EHLO keywords after STARTTLS.</summary>
    public IReadOnlyList<string> ExtensionsAfterTls { get; set; } = Array.Empty<string>();

    /// <summary>SIZE limit in bytes (0 = no limit announced with SIZE), or null when SIZE is not offered.</summary>
    public long? SizeLimit { get; set; }

    public bool Pipelining { get; set; }

    public bool EightBitMime { get; set; }

    public bool SmtpUtf8 { get; set; }

    public bool StartTlsOffered { get; set; }

    public bool Chunking { get; set; }

    /// <summary>AUTH mechanisms offered (after TLS when TLS was used).</summary>
    public IReadOnlyList<string> AuthMechanisms { get; set; } = Array.Empty<string>();

    public bool TlsEstablished { get; set; }

    public string? MailFromReply { get; set; }

    public IReadOnlyList<string> RcptToReplies { get; set; } = Array.Empty<string>();

    public SmtpTimings Timings { get; set; } = new();

    public TlsDetails? Tls { get; set; }

    public bool CertificateCheckSkipped { get; set; }

    /// <summary>The dialogue, C: and S: lines (replies capped).</summary>
    public IReadOnlyList<string> Transcript { get; set; } = Array.Empty<string>();

    /// <summary>The phase the probe failed in, or null.</summary>
    public string? FailedPhase { get; set; }

    public override string ToString() => $"Smtp {Target}: {Status} {Summary}";
}

/// <summary>A request for Test-SmtpEndpoint: host[:port] targets and the envelope to try.</summary>
public sealed class SmtpEndpointRequest : EndpointProbeOptions
{
    public IList<string> Targets { get; } = new List<string>();

    public SmtpTlsMode Tls { get; set; } = SmtpTlsMode.StartTls;

    /// <summary>Port when a target has none: 25, or 465 for implicit TLS.</summary>
    public int? Port { get; set; }

    /// <summary>The name we greet with (EHLO); default the local machine name.</summary>
    public string? HeloName { get; set; }

    /// <summary>MAIL FROM address for an envelope probe (null = no envelope; "" = the null sender &lt;&gt;).</summary>
    public string? From { get; set; }

    /// <summary>RCPT TO addresses (requires From); the probe stops at RCPT, then RSET and QUIT. Never DATA.</summary>
    public IList<string> To { get; } = new List<string>();
}
