using System;
using System.Management.Automation;
using System.Security;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.ServiceHealth;

namespace Outage.Tools;

/// <summary>
/// The parameters Get-ServiceHealth and Get-ServiceHealthIssue share: how to authenticate to Microsoft Graph
/// (one parameter set per way: client secret, PSCredential, certificate thumbprint, PFX file, managed identity),
/// which cloud (-Authority, -GraphEndpoint), and limits. Secrets stay in SecureString until the token request
/// body; tokens are cached for the PowerShell process until shortly before they expire.
/// </summary>
public abstract class ServiceHealthCommand : OutageCmdlet
{
    protected const string SecretSet = "ClientSecret";
    protected const string CredentialSet = "Credential";
    protected const string ThumbprintSet = "CertificateThumbprint";
    protected const string PfxSet = "CertificatePath";
    protected const string ManagedIdentitySet = "ManagedIdentity";

    /// <summary>Tokens for this process (module layer; Core keeps no static state).</summary>
    private static readonly AccessTokenCache SessionTokens = new();

    /// <summary>The Directory (tenant) ID (GUID) or a verified domain.</summary>
    [Parameter(ParameterSetName = SecretSet, Mandatory = true)]
    [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
    [Parameter(ParameterSetName = ThumbprintSet, Mandatory = true)]
    [Parameter(ParameterSetName = PfxSet, Mandatory = true)]
    [Alias("Tenant", "DirectoryId")]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>The Application (client) ID of the app registration.</summary>
    [Parameter(ParameterSetName = SecretSet, Mandatory = true)]
    [Parameter(ParameterSetName = ThumbprintSet, Mandatory = true)]
    [Parameter(ParameterSetName = PfxSet, Mandatory = true)]
    [Alias("ApplicationId", "AppId")]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>The client secret value, as a SecureString.</summary>
    [Parameter(ParameterSetName = SecretSet, Mandatory = true)]
    [ValidateNotNull]
    public SecureString? ClientSecret { get; set; }

    /// <summary>User name = client id, password = client secret (Get-AutomationPSCredential, Get-Credential).</summary>
    [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>The thumbprint of the app's certificate in the CurrentUser or LocalMachine personal store.</summary>
    [Parameter(ParameterSetName = ThumbprintSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    /// <summary>A PFX file with the app's certificate and private key.</summary>
    [Parameter(ParameterSetName = PfxSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    /// <summary>The password of the PFX file.</summary>
    [Parameter(ParameterSetName = PfxSet)]
    public SecureString? CertificatePassword { get; set; }

    /// <summary>How the client assertion is signed: RS256 (x5t and x5t#S256, default) or PS256 (x5t#S256).</summary>
    [Parameter(ParameterSetName = ThumbprintSet)]
    [Parameter(ParameterSetName = PfxSet)]
    public ClientAssertionAlgorithm AssertionAlgorithm { get; set; } = ClientAssertionAlgorithm.RS256;

    /// <summary>Use the managed identity (Azure Automation IDENTITY_ENDPOINT, otherwise IMDS).</summary>
    [Parameter(ParameterSetName = ManagedIdentitySet, Mandatory = true)]
    public SwitchParameter ManagedIdentity { get; set; }

    /// <summary>The client id of a user-assigned managed identity; omit for the system-assigned one.</summary>
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The identity platform of the cloud (default https://login.microsoftonline.com).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Authority { get; set; }

    /// <summary>The Graph base of the cloud (default https://graph.microsoft.com).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? GraphEndpoint { get; set; }

    /// <summary>How long to wait for each HTTP answer (1s to 10m; a number is seconds).</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after 429/503 answers.</summary>
    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>Longest wait before a retry that is accepted (0 to 1h; a number is seconds); a longer Retry-After ends with an error.</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most pages followed through @odata.nextLink.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MaxPages { get; set; } = 50;

    /// <summary>A root CA certificate file (PEM or DER) to trust, for a proxy with a private PKI.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustedRootCertificate { get; set; }

    /// <summary>Fills a Core connection from the bound parameters; unusable ones end the command.</summary>
    protected T Connect<T>(T request) where T : ServiceHealthConnection
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        try
        {
            request.TenantId = TenantId;
            request.ClientId = ClientId;
            request.Authority = Authority ?? ServiceHealthConnection.PublicAuthority;
            request.GraphEndpoint = GraphEndpoint ?? ServiceHealthConnection.PublicGraph;
            request.Timeout = RequireDuration(nameof(Timeout), Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), Core.ErrorIds.ServiceHealthTimeoutInvalid);
            request.MaxRetries = MaxRetries;
            request.MaxRetryWait = RequireDuration(nameof(MaxRetryWait), MaxRetryWait, TimeSpan.Zero, TimeSpan.FromHours(1), Core.ErrorIds.ServiceHealthTimeoutInvalid);
            request.MaxPages = MaxPages;
            request.TokenCache = SessionTokens;
            if (TrustedRootCertificate is not null)
            {
                request.TrustedRoot = EndpointSetup.LoadTrustedRoot(SessionState.Path.GetUnresolvedProviderPathFromPSPath(TrustedRootCertificate));
            }

            switch (ParameterSetName)
            {
                case CredentialSet:
                    request.ClientId = Credential!.UserName;
                    request.Credential = new ClientSecretCredential(Credential.Password);
                    break;
                case ThumbprintSet:
                    request.Credential = ClientCertificateCredential.FromStore(CertificateThumbprint!, AssertionAlgorithm);
                    break;
                case PfxSet:
                    request.Credential = ClientCertificateCredential.FromFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath),
                        CertificatePassword, AssertionAlgorithm);
                    break;
                case ManagedIdentitySet:
                    request.Credential = new ManagedIdentityCredential { ClientId = ManagedIdentityClientId };
                    break;
                default:
                    request.Credential = new ClientSecretCredential(ClientSecret!);
                    break;
            }

            request.Validate();
        }
        catch (OutageException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex.Error));
        }

        WriteVerbose($"Microsoft Graph {request.GraphEndpoint}, {request.Credential!.Kind}" +
                     (request.Credential is ManagedIdentityCredential ? "." : $", tenant {request.TenantId}, client {request.ClientId}, authority {request.Authority}."));
        return request;
    }
}
