using System;
using System.Collections.Generic;
using System.Linq;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.ServiceHealth;

namespace Outage.Tools.Core.Checks;

/// <summary>
/// The <c>Microsoft365</c> entry of an outage check configuration: which Microsoft 365 services to watch and how to
/// reach Graph. A configuration file never holds a secret: the client secret is read from the environment variable
/// named by <see cref="ClientSecretVariable"/> (default OUTAGE_CLIENT_SECRET), the PFX password from
/// <see cref="CertificatePasswordVariable"/>.
/// <code>
/// Microsoft365 = @{ ManagedIdentity = $true; Services = 'Exchange Online', 'Microsoft 365 suite' }
/// Microsoft365 = @{ TenantId = '…'; ClientId = '…'; CertificatePath = 'app.pfx' }
/// </code>
/// </summary>
public sealed class Microsoft365CheckSpec
{
    public static readonly string[] Keys =
    {
        "TenantId", "ClientId", "ClientSecretVariable", "CertificatePath", "CertificatePasswordVariable", "CertificateThumbprint",
        "AssertionAlgorithm", "ManagedIdentity", "ManagedIdentityClientId", "Authority", "GraphEndpoint", "Services", "TimeoutSeconds",
    };

    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    public string ClientSecretVariable { get; set; } = "OUTAGE_CLIENT_SECRET";

    public string? CertificatePath { get; set; }

    public string CertificatePasswordVariable { get; set; } = "OUTAGE_CERTIFICATE_PASSWORD";

    public string? CertificateThumbprint { get; set; }

    public ClientAssertionAlgorithm AssertionAlgorithm { get; set; } = ClientAssertionAlgorithm.RS256;

    public bool ManagedIdentity { get; set; }

    public string? ManagedIdentityClientId { get; set; }

    public Uri Authority { get; set; } = ServiceHealthConnection.PublicAuthority;

    public Uri GraphEndpoint { get; set; } = ServiceHealthConnection.PublicGraph;

    /// <summary>Services to watch, by id or display name, wildcards allowed.</summary>
    public List<string> Services { get; } = new() { "Exchange Online", "Microsoft 365 suite" };

    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Reads the entry; a problem is a <see cref="FormatException"/> naming the key.</summary>
    public static Microsoft365CheckSpec FromTable(IDictionary<string, object?> table, Func<string, string> anchor)
    {
        if (table is null)
        {
            throw new ArgumentNullException(nameof(table));
        }

        foreach (var key in table.Keys)
        {
            if (key.IndexOf("Secret", StringComparison.OrdinalIgnoreCase) >= 0 && !string.Equals(key, "ClientSecretVariable", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"Microsoft365.{key}: a secret does not belong in a configuration file; put it in the environment variable named by ClientSecretVariable (default OUTAGE_CLIENT_SECRET)");
            }

            if (!Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"unknown key 'Microsoft365.{key}' (known keys: {string.Join(", ", Keys)})");
            }
        }

        var spec = new Microsoft365CheckSpec
        {
            TenantId = Text(table, "TenantId"),
            ClientId = Text(table, "ClientId"),
            CertificateThumbprint = Text(table, "CertificateThumbprint"),
            ManagedIdentityClientId = Text(table, "ManagedIdentityClientId"),
        };
        spec.ClientSecretVariable = Text(table, "ClientSecretVariable") ?? spec.ClientSecretVariable;
        spec.CertificatePasswordVariable = Text(table, "CertificatePasswordVariable") ?? spec.CertificatePasswordVariable;
        if (Text(table, "CertificatePath") is { } pfx)
        {
            spec.CertificatePath = anchor(pfx);
        }

        if (Text(table, "AssertionAlgorithm") is { } alg)
        {
            spec.AssertionAlgorithm = Enum.TryParse<ClientAssertionAlgorithm>(alg, true, out var a) ? a
                : throw new FormatException($"Microsoft365.AssertionAlgorithm must be RS256 or PS256, not '{alg}'");
        }

        if (Get(table, "ManagedIdentity") is { } mi)
        {
            spec.ManagedIdentity = mi is bool b ? b : throw new FormatException("Microsoft365.ManagedIdentity must be $true or $false");
        }

        spec.Authority = Url(table, "Authority") ?? spec.Authority;
        spec.GraphEndpoint = Url(table, "GraphEndpoint") ?? spec.GraphEndpoint;
        if (Get(table, "TimeoutSeconds") is { } t)
        {
            spec.TimeoutSeconds = t is double d && d > 0 && d <= 600 ? d : throw new FormatException("Microsoft365.TimeoutSeconds must be a number of seconds in (0, 600]");
        }

        if (Get(table, "Services") is { } services)
        {
            spec.Services.Clear();
            foreach (var s in services is List<object?> list ? list : new List<object?> { services })
            {
                spec.Services.Add(s as string ?? throw new FormatException("Microsoft365.Services must hold service names"));
            }
        }

        return spec;
    }

    /// <summary>The Graph connection for a check run; a missing secret or bad certificate throws <see cref="OutageException"/>.</summary>
    public ServiceHealthRequest ToRequest(string? trustedRootPath)
    {
        var request = new ServiceHealthRequest
        {
            TenantId = TenantId,
            ClientId = ClientId,
            Authority = Authority,
            GraphEndpoint = GraphEndpoint,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            MaxRetryWait = TimeSpan.FromSeconds(Math.Min(30, TimeoutSeconds)),
        };
        if (trustedRootPath is not null)
        {
            request.TrustedRoot = Endpoints.EndpointSetup.LoadTrustedRoot(trustedRootPath);
        }

        if (ManagedIdentity)
        {
            request.Credential = new ManagedIdentityCredential { ClientId = ManagedIdentityClientId };
        }
        else if (CertificatePath is not null)
        {
            var password = Environment.GetEnvironmentVariable(CertificatePasswordVariable);
            request.Credential = ClientCertificateCredential.FromFile(CertificatePath,
                password is null ? null : new System.Net.NetworkCredential(string.Empty, password).SecurePassword, AssertionAlgorithm);
        }
        else if (CertificateThumbprint is not null)
        {
            request.Credential = ClientCertificateCredential.FromStore(CertificateThumbprint, AssertionAlgorithm);
        }
        else
        {
            var secret = Environment.GetEnvironmentVariable(ClientSecretVariable);
            if (string.IsNullOrEmpty(secret))
            {
                throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid, OutageErrorCategory.InvalidArgument,
                    $"The environment variable {ClientSecretVariable} (Microsoft365.ClientSecretVariable) holds no client secret.", ClientSecretVariable,
                    "Set it before the check runs, or use ManagedIdentity = $true or CertificatePath in the Microsoft365 entry.");
            }

            request.Credential = new ClientSecretCredential(new System.Net.NetworkCredential(string.Empty, secret).SecurePassword);
        }

        return request;
    }

    private static object? Get(IDictionary<string, object?> table, string key) =>
        table.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Text(IDictionary<string, object?> table, string key) => Get(table, key) switch
    {
        null => null,
        string s => s,
        _ => throw new FormatException($"Microsoft365.{key} must be a string"),
    };

    private static Uri? Url(IDictionary<string, object?> table, string key) =>
        Text(table, key) is { } s ? Uri.TryCreate(s, UriKind.Absolute, out var u) ? u : throw new FormatException($"Microsoft365.{key} '{s}' is not an absolute URL") : null;
}
