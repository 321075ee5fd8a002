using System;
using System.CommandLine;
using System.Globalization;
using System.Net;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.ServiceHealth;

namespace Outage.Tools.Cli;

/// <summary>
/// <c>outage health m365|issues|messages</c>: the CLI side of Get-ServiceHealth and Get-ServiceHealthIssue. The
/// client secret is read only from the environment variable OUTAGE_CLIENT_SECRET (a command-line argument is
/// visible to other users in the process list); the PFX password from OUTAGE_CERTIFICATE_PASSWORD. Exit code 1
/// when a service is not Ok (m365) or an unresolved issue is listed (issues).
/// </summary>
public static class HealthCommands
{
    public const string SecretVariable = "OUTAGE_CLIENT_SECRET";
    public const string PfxPasswordVariable = "OUTAGE_CERTIFICATE_PASSWORD";

    public static Command Create(CliIO io)
    {
        var health = new Command("health", "Is it us or Microsoft? Microsoft 365 service health from Microsoft Graph (needs ServiceHealth.Read.All).");
        health.Subcommands.Add(M365(io));
        health.Subcommands.Add(Issues(io));
        health.Subcommands.Add(Messages(io));
        return health;
    }

    private sealed class Common
    {
        public Option<string?> Tenant { get; } = new("--tenant") { Description = "Directory (tenant) ID (GUID) or verified domain." };

        public Option<string?> ClientId { get; } = new("--client-id") { Description = $"Application (client) ID. The secret is read from the environment variable {SecretVariable}, never from an argument." };

        public Option<string?> Certificate { get; } = new("--certificate") { Description = $"A PFX file with the app certificate and key (password in {PfxPasswordVariable})." };

        public Option<string?> Thumbprint { get; } = new("--certificate-thumbprint") { Description = "Thumbprint of the app certificate in the CurrentUser/LocalMachine personal store." };

        public Option<ClientAssertionAlgorithm> Algorithm { get; } = new("--assertion-algorithm") { Description = "RS256 (default, x5t and x5t#S256) or PS256 (x5t#S256).", DefaultValueFactory = _ => ClientAssertionAlgorithm.RS256 };

        public Option<bool> ManagedIdentity { get; } = new("--managed-identity") { Description = "Use the managed identity (Azure Automation IDENTITY_ENDPOINT, else IMDS)." };

        public Option<string?> ManagedIdentityClientId { get; } = new("--managed-identity-client-id") { Description = "Client id of a user-assigned managed identity." };

        public Option<string?> Authority { get; } = new("--authority") { Description = "Identity platform of the cloud (default https://login.microsoftonline.com)." };

        public Option<string?> Graph { get; } = new("--graph") { Description = "Microsoft Graph base of the cloud (default https://graph.microsoft.com)." };

        public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds to wait for each HTTP answer (default 30).", DefaultValueFactory = _ => 30 };

        public Option<int> MaxRetries { get; } = new("--max-retries") { Description = "Retries after 429/503 (default 4).", DefaultValueFactory = _ => 4 };

        public Option<double> MaxRetryWait { get; } = new("--max-retry-wait") { Description = "Longest Retry-After accepted, in seconds (default 60).", DefaultValueFactory = _ => 60 };

        public Option<int> MaxPages { get; } = new("--max-pages") { Description = "Most pages followed (default 50).", DefaultValueFactory = _ => 50 };

        public Option<string?> TrustedRoot { get; } = new("--trusted-root") { Description = "Root CA certificate file (PEM or DER) to trust besides the system store." };

        public Option<string[]> Service { get; } = new("--service") { Description = "Services (id or name), wildcards allowed; repeatable.", AllowMultipleArgumentsPerToken = true };

        public Option<string[]> Status { get; } = new("--status") { Description = "Statuses (any case), wildcards allowed; repeatable.", AllowMultipleArgumentsPerToken = true };

        public Option<OutputFormat> Format { get; } = CliIO.FormatOption();

        public void AddTo(Command c, bool status = true)
        {
            foreach (var o in new Option[] { Tenant, ClientId, Certificate, Thumbprint, Algorithm, ManagedIdentity, ManagedIdentityClientId, Authority, Graph,
                         Timeout, MaxRetries, MaxRetryWait, MaxPages, TrustedRoot, Service, Format })
            {
                c.Options.Add(o);
            }

            if (status)
            {
                c.Options.Add(Status);
            }
        }

        /// <summary>Fills the connection; returns an error to print, or null.</summary>
        public ItemError? Configure(ParseResult p, ServiceHealthConnection c)
        {
            try
            {
                var timeout = p.GetValue(Timeout);
                var wait = p.GetValue(MaxRetryWait);
                if (timeout <= 0 || timeout > 600 || wait < 0 || wait > 3600)
                {
                    return Invalid("--timeout must be in (0, 600] and --max-retry-wait in [0, 3600] seconds.");
                }

                c.Timeout = TimeSpan.FromSeconds(timeout);
                c.MaxRetryWait = TimeSpan.FromSeconds(wait);
                c.MaxRetries = p.GetValue(MaxRetries);
                c.MaxPages = p.GetValue(MaxPages);
                c.TenantId = p.GetValue(Tenant);
                c.ClientId = p.GetValue(ClientId);
                c.TokenCache = new AccessTokenCache();
                if (p.GetValue(Authority) is { } authority)
                {
                    c.Authority = Url(authority, "--authority");
                }

                if (p.GetValue(Graph) is { } graph)
                {
                    c.GraphEndpoint = Url(graph, "--graph");
                }

                if (p.GetValue(TrustedRoot) is { } root)
                {
                    c.TrustedRoot = EndpointSetup.LoadTrustedRoot(root);
                }

                var pfx = p.GetValue(Certificate);
                var thumbprint = p.GetValue(Thumbprint);
                var mi = p.GetValue(ManagedIdentity);
                if ((pfx is not null ? 1 : 0) + (thumbprint is not null ? 1 : 0) + (mi ? 1 : 0) > 1)
                {
                    return Invalid("Give only one of --certificate, --certificate-thumbprint and --managed-identity.");
                }

                if (mi)
                {
                    c.Credential = new ManagedIdentityCredential { ClientId = p.GetValue(ManagedIdentityClientId) };
                }
                else if (pfx is not null)
                {
                    var password = Environment.GetEnvironmentVariable(PfxPasswordVariable);
                    c.Credential = ClientCertificateCredential.FromFile(pfx, password is null ? null : new NetworkCredential(string.Empty, password).SecurePassword, p.GetValue(Algorithm));
                }
                else if (thumbprint is not null)
                {
                    c.Credential = ClientCertificateCredential.FromStore(thumbprint, p.GetValue(Algorithm));
                }
                else
                {
                    var secret = Environment.GetEnvironmentVariable(SecretVariable);
                    if (string.IsNullOrEmpty(secret))
                    {
                        return Invalid($"No credential: set the environment variable {SecretVariable} to the client secret, or give --certificate PFX, --certificate-thumbprint or --managed-identity.");
                    }

                    c.Credential = new ClientSecretCredential(new NetworkCredential(string.Empty, secret).SecurePassword);
                }

                c.Validate();
                return null;
            }
            catch (OutageException ex)
            {
                return ex.Error;
            }
        }

        private static Uri Url(string text, string option) =>
            Uri.TryCreate(text, UriKind.Absolute, out var u) ? u : throw new OutageException(Core.ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                $"{option} '{text}' is not an absolute URL.", text);

        private static ItemError Invalid(string message) => new(Core.ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, message);
    }

    private static Command M365(CliIO io)
    {
        var common = new Common();
        var command = new Command("m365", "One line per Microsoft 365 service: status and open issues (like Get-ServiceHealth). Exit 1 when a service is not Ok.");
        common.AddTo(command);
        command.SetAction(p =>
        {
            var request = new ServiceHealthRequest();
            if (common.Configure(p, request) is { } error)
            {
                io.WriteError(error);
                return ExitCodes.Error;
            }

            request.Services.AddRange(p.GetValue(common.Service) ?? Array.Empty<string>());
            request.Status.AddRange(p.GetValue(common.Status) ?? Array.Empty<string>());
            return io.Write(() => ServiceHealthQuery.GetHealth(request, default), p.GetValue(common.Format), HealthTable, s => s.Severity != ServiceHealthSeverity.Ok);
        });
        return command;
    }

    private static Command Issues(CliIO io)
    {
        var common = new Common();
        var id = new Option<string[]>("--id") { Description = "Issue ids (EX123456), wildcards allowed; repeatable.", AllowMultipleArgumentsPerToken = true };
        var classification = new Option<string[]>("--classification") { Description = "incident or advisory; repeatable.", AllowMultipleArgumentsPerToken = true };
        var since = new Option<string?>("--since") { Description = "Only issues changed at or after this time (ISO 8601, e.g. 2026-11-30T08:00Z)." };
        var active = new Option<bool>("--active") { Description = "Only unresolved issues." };
        var command = new Command("issues", "Microsoft 365 incidents and advisories with posts (like Get-ServiceHealthIssue). Exit 1 when an unresolved issue is listed.")
        {
            id, classification, since, active,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var request = new ServiceHealthIssueRequest();
            if (common.Configure(p, request) is { } error)
            {
                io.WriteError(error);
                return ExitCodes.Error;
            }

            if (p.GetValue(since) is { } s)
            {
                if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                {
                    io.WriteError(new ItemError(Core.ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, $"--since '{s}' is not a date and time (use ISO 8601)."));
                    return ExitCodes.Error;
                }

                request.Since = t;
            }

            request.Ids.AddRange(p.GetValue(id) ?? Array.Empty<string>());
            request.Services.AddRange(p.GetValue(common.Service) ?? Array.Empty<string>());
            request.Status.AddRange(p.GetValue(common.Status) ?? Array.Empty<string>());
            request.Classification.AddRange(p.GetValue(classification) ?? Array.Empty<string>());
            request.Active = p.GetValue(active);
            return io.Write(() => ServiceHealthQuery.GetIssues(request, default), p.GetValue(common.Format), IssueTable, i => !i.IsResolved);
        });
        return command;
    }

    private static Command Messages(CliIO io)
    {
        var common = new Common();
        var command = new Command("messages", "Message center posts (needs ServiceMessage.Read.All).");
        common.AddTo(command, status: false);
        command.SetAction(p =>
        {
            var request = new ServiceUpdateMessageRequest();
            if (common.Configure(p, request) is { } error)
            {
                io.WriteError(error);
                return ExitCodes.Error;
            }

            request.Services.AddRange(p.GetValue(common.Service) ?? Array.Empty<string>());
            return io.Write(() => ServiceHealthQuery.GetMessages(request, default), p.GetValue(common.Format), MessageTable);
        });
        return command;
    }

    private static readonly TableColumn<ServiceHealthOverview>[] HealthTable =
    {
        new("Service", 34, s => s.Service),
        new("Status", 22, s => s.Status),
        new("Severity", 8, s => s.Severity),
        new("Open", 4, s => s.OpenIssueCount),
        new("OpenIssues", 0, s => s.OpenIssues),
    };

    private static readonly TableColumn<ServiceHealthIssue>[] IssueTable =
    {
        new("Id", 10, i => i.Id),
        new("Service", 18, i => i.Service),
        new("Class", 8, i => i.Classification),
        new("Status", 20, i => i.Status),
        new("Start (UTC)", 16, i => i.StartDateTime?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        new("Title", 0, i => i.Title),
    };

    private static readonly TableColumn<ServiceUpdateMessage>[] MessageTable =
    {
        new("Id", 10, m => m.Id),
        new("Category", 18, m => m.Category),
        new("Severity", 8, m => m.Severity),
        new("Services", 24, m => m.Services),
        new("Title", 0, m => m.Title),
    };
}
