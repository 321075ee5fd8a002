using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.ServiceHealth;

/// <summary>
/// Where and how to reach Microsoft Graph: tenant, application, credential, cloud (authority and Graph base
/// address, public cloud by default), timeouts, retries and paging limits.
/// </summary>
public class ServiceHealthConnection
{
    /// <summary>The public cloud's identity platform.</summary>
    public static readonly Uri PublicAuthority = new("https://login.microsoftonline.com/");

    /// <summary>The public cloud's Graph (US Government: https://graph.microsoft.us, China: https://microsoftgraph.chinacloudapi.cn).</summary>
    public static readonly Uri PublicGraph = new("https://graph.microsoft.com/");

    /// <summary>The directory (tenant) id, a GUID or a verified domain; not needed with a managed identity.</summary>
    public string? TenantId { get; set; }

    /// <summary>The application (client) id; not needed with a managed identity.</summary>
    public string? ClientId { get; set; }

    public GraphCredential? Credential { get; set; }

    public Uri Authority { get; set; } = PublicAuthority;

    public Uri GraphEndpoint { get; set; } = PublicGraph;

    /// <summary>The longest wait for one HTTP answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a 429/503/504 answer.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The longest wait before a retry that is accepted; a longer Retry-After ends the request with an error.</summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most pages followed through @odata.nextLink.</summary>
    public int MaxPages { get; set; } = 50;

    /// <summary>Trust this root certificate (private PKI, tests) in addition to the system store.</summary>
    public X509Certificate2? TrustedRoot { get; set; }

    /// <summary>Where tokens are kept until shortly before they expire; null: a cache for this request only.</summary>
    public AccessTokenCache? TokenCache { get; set; }

    private static readonly Regex TenantPattern = new("^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$", RegexOptions.CultureInvariant);

    /// <summary>The token endpoint: {authority}/{tenant}/oauth2/v2.0/token.</summary>
    public Uri TokenEndpoint => new(WithSlash(Authority), TenantId + "/oauth2/v2.0/token");

    /// <summary>The scope of the client-credentials request: {graph}/.default.</summary>
    public string Scope => GraphEndpoint.GetLeftPart(UriPartial.Authority) + "/.default";

    /// <summary>The resource of a managed-identity request: {graph}/.</summary>
    public string Resource => GraphEndpoint.GetLeftPart(UriPartial.Authority) + "/";

    /// <summary>Checks the settings; an unusable one throws <see cref="OutageException"/> (InvalidArgument).</summary>
    public void Validate()
    {
        if (Credential is null)
        {
            throw Invalid("No credential was given.", "Give -ClientSecret, -Credential, -CertificateThumbprint, -CertificatePath or -ManagedIdentity.");
        }

        CheckHttps(GraphEndpoint, "Graph endpoint", false);
        if (Credential is ManagedIdentityCredential mi)
        {
            if (mi.ClientId is not null && !Guid.TryParse(mi.ClientId, out _))
            {
                throw Invalid($"The managed identity client id '{mi.ClientId}' is not a GUID.", "Give the client id of the user-assigned identity.");
            }

            return;
        }

        CheckHttps(Authority, "authority", false);
        if (string.IsNullOrWhiteSpace(TenantId) || !TenantPattern.IsMatch(TenantId!))
        {
            throw Invalid($"The tenant '{TenantId}' is not a directory id (GUID) or domain name.",
                "Give the Directory (tenant) ID from the app registration's overview page.");
        }

        if (string.IsNullOrWhiteSpace(ClientId) || !Guid.TryParse(ClientId, out _))
        {
            throw Invalid($"The client id '{ClientId}' is not a GUID.", "Give the Application (client) ID from the app registration's overview page.");
        }
    }

    internal static Uri WithSlash(Uri u) => u.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? u : new Uri(u.AbsoluteUri + "/");

    private static void CheckHttps(Uri uri, string what, bool allowHttp)
    {
        if (uri is null || !uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && !(allowHttp && uri.Scheme == Uri.UriSchemeHttp)))
        {
            throw Invalid($"The {what} '{uri}' is not an absolute https URL.", $"Give the {what} of your cloud, e.g. https://graph.microsoft.us for US Government.");
        }
    }

    private static OutageException Invalid(string message, string action) =>
        new(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, message, null, action);
}

/// <summary>A bearer token and when it expires; never shown (ToString hides it).</summary>
internal sealed class AccessToken
{
    public AccessToken(string value, DateTimeOffset expiresOn) => (Value, ExpiresOn) = (value, expiresOn);

    public string Value { get; }

    public DateTimeOffset ExpiresOn { get; }

    public override string ToString() => $"token expiring {ExpiresOn:u}";
}

/// <summary>
/// Tokens in memory, keyed by authority, tenant, client, credential and scope, used until
/// <see cref="RefreshMargin"/> before they expire. Thread-safe. Hold one for the life of a session (the module
/// keeps one per PowerShell process; the CLI one per run).
/// </summary>
public sealed class AccessTokenCache
{
    private readonly Dictionary<string, AccessToken> _tokens = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>How long before expiry a token is no longer used.</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tokens currently held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _tokens.Count;
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _tokens.Clear();
        }
    }

    internal AccessToken? Get(string key, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_tokens.TryGetValue(key, out var t))
            {
                if (t.ExpiresOn - now > RefreshMargin)
                {
                    return t;
                }

                _tokens.Remove(key);
            }

            return null;
        }
    }

    /// <summary>Drops a token Graph refused (401), so the next call signs in again.</summary>
    internal void Remove(string key)
    {
        lock (_gate)
        {
            _tokens.Remove(key);
        }
    }

    internal void Put(string key, AccessToken token)
    {
        lock (_gate)
        {
            _tokens[key] = token;
        }
    }
}
