using System;
using System.IO;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.ServiceHealth;

/// <summary>
/// How the application proves who it is to the identity platform. The secret or key never leaves the credential
/// except into the token request body, and <see cref="object.ToString"/> shows only the kind.
/// </summary>
public abstract class GraphCredential
{
    /// <summary>ClientSecret, ClientCertificate or ManagedIdentity.</summary>
    public abstract string Kind { get; }

    /// <summary>What distinguishes two credentials of the same kind in the token cache (never the secret itself).</summary>
    internal abstract string CacheKey { get; }

    /// <summary>Removes the secret from a text that came back from a server (defence in depth).</summary>
    internal virtual string Redact(string text) => text;

    public override string ToString() => Kind;
}

/// <summary>Client credentials with a client secret (v2-oauth2-client-creds-grant-flow, "first case").</summary>
public sealed class ClientSecretCredential : GraphCredential
{
    private readonly SecureString _secret;
    private readonly string _fingerprint;

    public ClientSecretCredential(SecureString secret)
    {
        _secret = (secret ?? throw new ArgumentNullException(nameof(secret))).Copy();
        _secret.MakeReadOnly();
        if (_secret.Length == 0)
        {
            throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid, OutageErrorCategory.InvalidArgument,
                "The client secret is empty.", null, "Give the secret value of the app registration (Certificates & secrets).");
        }

        // A hash, so two secrets of the same app do not share a cached token; not reversible to the secret.
        using var sha = SHA256.Create();
        _fingerprint = Convert.ToBase64String(sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(Reveal())), 0, 12);
    }

    public override string Kind => "ClientSecret";

    internal override string CacheKey => "secret:" + _fingerprint;

    internal string Reveal() => new NetworkCredential(string.Empty, _secret).Password;

    internal override string Redact(string text)
    {
        var secret = Reveal();
        return text.Replace(secret, "***").Replace(Uri.EscapeDataString(secret), "***");
    }
}

/// <summary>How the client assertion is signed.</summary>
public enum ClientAssertionAlgorithm
{
    /// <summary>RS256 (RSASSA-PKCS1-v1_5 with SHA-256), header with x5t (SHA-1 thumbprint) and x5t#S256: the long-standing form.</summary>
    RS256,

    /// <summary>PS256 (RSASSA-PSS with SHA-256), header with x5t#S256: the form of the current certificate-credentials page.</summary>
    PS256,
}

/// <summary>Client credentials with a certificate: a signed client assertion (certificate-credentials.md).</summary>
public sealed class ClientCertificateCredential : GraphCredential
{
    public ClientCertificateCredential(X509Certificate2 certificate, ClientAssertionAlgorithm algorithm = ClientAssertionAlgorithm.RS256)
    {
        Certificate = certificate ?? throw new ArgumentNullException(nameof(certificate));
        Algorithm = algorithm;
        if (!certificate.HasPrivateKey)
        {
            throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid, OutageErrorCategory.InvalidArgument,
                $"The certificate {certificate.Thumbprint} ({certificate.Subject}) has no private key.", certificate.Thumbprint,
                "Use the certificate with its private key (a PFX, or the store entry created when it was imported).");
        }

        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is null)
        {
            throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid, OutageErrorCategory.InvalidArgument,
                $"The certificate {certificate.Thumbprint} ({certificate.Subject}) does not have an RSA key; the identity platform signs assertions with RSA.",
                certificate.Thumbprint, "Create the app certificate with an RSA key (2048 bits or more).");
        }
    }

    public X509Certificate2 Certificate { get; }

    public ClientAssertionAlgorithm Algorithm { get; }

    public override string Kind => "ClientCertificate";

    internal override string CacheKey => "cert:" + Certificate.Thumbprint + ":" + Algorithm;

    /// <summary>Reads a PFX (PKCS #12) file with its private key.</summary>
    public static ClientCertificateCredential FromFile(string path, SecureString? password, ClientAssertionAlgorithm algorithm = ClientAssertionAlgorithm.RS256)
    {
        if (!File.Exists(path))
        {
            throw new OutageException(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound,
                $"The certificate file '{path}' does not exist.", path, "Give the path of the app's PFX file.");
        }

        X509Certificate2 certificate;
        try
        {
            try
            {
                // EphemeralKeySet (32): keep the key in memory only, where the platform supports it.
                certificate = new X509Certificate2(path, password, (X509KeyStorageFlags)32);
            }
            catch (Exception ex) when (ex is PlatformNotSupportedException || ex is ArgumentException)
            {
                certificate = new X509Certificate2(path, password, X509KeyStorageFlags.DefaultKeySet);
            }
        }
        catch (CryptographicException ex)
        {
            throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid, OutageErrorCategory.InvalidData,
                $"The certificate file '{path}' cannot be read as a PFX: {ex.Message}", path,
                "Check the file and its password (-CertificatePassword; CLI: OUTAGE_CERTIFICATE_PASSWORD).", ex);
        }

        return new ClientCertificateCredential(certificate, algorithm);
    }

    /// <summary>Finds a certificate by thumbprint in the current user's, then the local machine's personal store.</summary>
    public static ClientCertificateCredential FromStore(string thumbprint, ClientAssertionAlgorithm algorithm = ClientAssertionAlgorithm.RS256)
    {
        var wanted = (thumbprint ?? string.Empty).Replace(" ", string.Empty).Replace(":", string.Empty);
        foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            try
            {
                using var store = new X509Store(StoreName.My, location);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                var found = store.Certificates.Find(X509FindType.FindByThumbprint, wanted, false);
                foreach (var c in found)
                {
                    if (c.HasPrivateKey)
                    {
                        return new ClientCertificateCredential(c, algorithm);
                    }
                }
            }
            catch (CryptographicException)
            {
                // A store that does not exist on this system (LocalMachine\My on Linux): try the next.
            }
        }

        throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid, OutageErrorCategory.ObjectNotFound,
            $"No certificate with thumbprint {wanted} and a private key is in the CurrentUser or LocalMachine personal (My) store.", thumbprint,
            "Import the app certificate with its private key, or give a PFX file (-CertificatePath).");
    }
}

/// <summary>
/// A managed identity: Azure Automation / App Service (IDENTITY_ENDPOINT and IDENTITY_HEADER) or, elsewhere on
/// Azure, the Instance Metadata Service (IMDS). Only the token endpoint of the platform is contacted.
/// </summary>
public sealed class ManagedIdentityCredential : GraphCredential
{
    /// <summary>The documented IMDS token endpoint.</summary>
    public static readonly Uri DefaultImdsEndpoint = new("http://169.254.169.254/metadata/identity/oauth2/token");

    /// <summary>The client id of a user-assigned identity; null for the system-assigned one.</summary>
    public string? ClientId { get; set; }

    /// <summary>The IMDS endpoint (tests point it at loopback).</summary>
    public Uri ImdsEndpoint { get; set; } = DefaultImdsEndpoint;

    /// <summary>Reads an environment variable (tests give their own).</summary>
    public Func<string, string?> Environment { get; set; } = System.Environment.GetEnvironmentVariable;

    public override string Kind => "ManagedIdentity";

    internal override string CacheKey => "mi:" + (ClientId ?? "system") + ":" + ImdsEndpoint;

    internal override string Redact(string text)
    {
        var header = Environment("IDENTITY_HEADER");
        return string.IsNullOrEmpty(header) ? text : text.Replace(header, "***");
    }
}
