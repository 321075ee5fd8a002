using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Outage.Tools.Core.Endpoints;

/// <summary>One SRV target (for _autodiscover._tcp).</summary>
public sealed class SrvTarget
{
    public SrvTarget(string host, int port, int priority = 0, int weight = 0)
    {
        Host = host;
        Port = port;
        Priority = priority;
        Weight = weight;
    }

    public string Host { get; }

    public int Port { get; }

    public int Priority { get; }

    public int Weight { get; }
}

/// <summary>SRV lookups for the last MS-OXDISCO step. The system resolver has none in netstandard2.0; the DNS client provides one.</summary>
public interface ISrvResolver
{
    Task<SrvTarget[]> ResolveSrvAsync(string name, CancellationToken cancellationToken);
}

/// <summary>One Autodiscover attempt: which step of the order, what was asked, what came back.</summary>
public sealed class AutodiscoverAttempt
{
    /// <summary>1 Root domain POST, 2 autodiscover.domain POST, 3 HTTP redirect GET, 4 SRV, 5 v2 JSON, with redirects as they come.</summary>
    public string Step { get; set; } = string.Empty;

    public string Url { get; set; } = string.Empty;

    public string Method { get; set; } = "POST";

    public int StatusCode { get; set; }

    /// <summary>Settings, Redirect, AuthenticationRequired, NotFound, HttpError, InvalidResponse, Failed, Skipped…</summary>
    public string Outcome { get; set; } = string.Empty;

    public double DurationMs { get; set; }

    public string? Error { get; set; }

    /// <summary>Where this attempt pointed next (HTTP Location, redirectUrl or redirectAddr).</summary>
    public string? RedirectTo { get; set; }

    public TlsDetails? Tls { get; set; }

    public override string ToString() => $"{Step}: {Method} {Url} → {(StatusCode == 0 ? Error : StatusCode + " " + Outcome)}";
}

/// <summary>One setting found: the protocol block (EXCH, EXPR, WEB, v2 protocol…), its name and value.</summary>
public sealed class AutodiscoverSetting
{
    public AutodiscoverSetting(string protocol, string name, string value)
    {
        Protocol = protocol;
        Name = name;
        Value = value;
    }

    public string Protocol { get; }

    public string Name { get; }

    public string Value { get; }

    public override string ToString() => $"{Protocol}.{Name} = {Value}";
}

/// <summary>The result of Test-AutodiscoverEndpoint for one address.</summary>
public sealed class AutodiscoverResult
{
    public string Target { get; set; } = string.Empty;

    public string Check { get; set; } = "Autodiscover";

    public ProbeStatus Status { get; set; }

    /// <summary>Settings, AuthenticationRequired, NotFound…</summary>
    public string Outcome { get; set; } = string.Empty;

    public string Summary { get; set; } = string.Empty;

    public string? Detail { get; set; }

    public string EmailAddress { get; set; } = string.Empty;

    public string Domain { get; set; } = string.Empty;

    /// <summary>The URL that answered (settings or a 401 challenge).</summary>
    public string? EndpointUrl { get; set; }

    public string? EwsUrl { get; set; }

    public string? ActiveSyncUrl { get; set; }

    public IReadOnlyList<AutodiscoverAttempt> Attempts { get; set; } = Array.Empty<AutodiscoverAttempt>();

    public IReadOnlyList<AutodiscoverSetting> Settings { get; set; } = Array.Empty<AutodiscoverSetting>();

    /// <summary>Whether a redirect led outside the address's domain (Outlook asks the user before following such a redirect).</summary>
    public bool LeftDomain { get; set; }

    public TlsDetails? Tls { get; set; }

    public bool CertificateCheckSkipped { get; set; }

    public double TotalMs { get; set; }

    public override string ToString() => $"Autodiscover {Target}: {Status} {Summary}";
}

/// <summary>A request for Test-AutodiscoverEndpoint.</summary>
public sealed class AutodiscoverRequest : EndpointProbeOptions
{
    public IList<string> EmailAddresses { get; } = new List<string>();

    /// <summary>SRV resolver for the _autodiscover._tcp step; without one the step is recorded as skipped.</summary>
    public ISrvResolver? SrvResolver { get; set; }

    /// <summary>Try Autodiscover v2 (JSON) as well; default true.</summary>
    public bool IncludeV2 { get; set; } = true;

    /// <summary>Protocols asked of Autodiscover v2.</summary>
    public IList<string> V2Protocols { get; } = new List<string> { "EWS", "ActiveSync" };

    /// <summary>Port for the https steps (443; other values for lab set-ups).</summary>
    public int HttpsPort { get; set; } = 443;

    /// <summary>Port for the plain-HTTP redirect step (80; other values for lab set-ups).</summary>
    public int HttpPort { get; set; } = 80;
}
