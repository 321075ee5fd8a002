using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Cli;

/// <summary><c>outage probe owa|activesync|autodiscover|ews|smtp TARGET...</c>: the CLI side of the Test-*Endpoint cmdlets. Exit code 1 when a probe fails.</summary>
public static class ProbeCommands
{
    /// <summary>
    /// The password of --user (owa, activesync, ews, autodiscover) is read only from this environment variable, never
    /// from the command line (where ps, shell history and audit logs would show it), like OUTAGE_CLIENT_SECRET for Graph.
    /// </summary>
    public const string PasswordVariable = "OUTAGE_PROBE_PASSWORD";

    public static Command Create(CliIO io)
    {
        var probe = new Command("probe", "Endpoint diagnostics: OWA, ActiveSync, Autodiscover, EWS and SMTP, with phase timings and TLS facts.");
        probe.Subcommands.Add(Http(io, "owa", "Probe Outlook on the web (default path /owa/): redirects, sign-in form or 401 schemes (like Test-OwaEndpoint).", HttpEndpointProbe.TestOwa));
        probe.Subcommands.Add(Http(io, "activesync", "OPTIONS /Microsoft-Server-ActiveSync: 401 schemes (like Test-ActiveSyncEndpoint).", HttpEndpointProbe.TestActiveSync));
        probe.Subcommands.Add(Http(io, "ews", "Probe /EWS/Exchange.asmx: 401 schemes (like Test-EwsEndpoint).", HttpEndpointProbe.TestEws));
        probe.Subcommands.Add(Autodiscover(io));
        probe.Subcommands.Add(Smtp(io));
        return probe;
    }

    private sealed class Common
    {
        public Argument<string[]> Targets { get; set; } = null!;

        public Option<string> Timeout { get; } = new("--timeout") { Description = "How long one target's probe may take: 15s, 2m, 00:00:30 or seconds (default 15s).", DefaultValueFactory = _ => "15" };

        public Option<string?> TrustedRoot { get; } = new("--trusted-root") { Description = "Root CA certificate file (PEM or DER) to trust, for a private PKI." };

        public Option<bool> SkipCertificateCheck { get; } = new("--skip-certificate-check") { Description = "Go on when the certificate is not valid (reported in the result)." };

        public Option<string?> DnsServer { get; } = new("--dns-server") { Description = "Resolve names through this DNS server (H[:P])." };

        public Option<int> ThrottleLimit { get; } = new("--throttle-limit") { Description = "Targets probed at the same time (default 8).", DefaultValueFactory = _ => 8 };

        public Option<ProbeAddressFamily> Family { get; } = new("--address-family") { Description = "Any, IPv4 or IPv6.", DefaultValueFactory = _ => ProbeAddressFamily.Any };

        public Option<OutputFormat> Format { get; } = CliIO.FormatOption();

        /// <summary>Only the HTTP probes sign in; smtp has no --user.</summary>
        public bool WithCredential { get; set; } = true;

        public Option<string?> User { get; } = new("--user")
        {
            Description = $"Sign in as this user (Basic, sent only over TLS to the target's host); the password is read from the environment variable {PasswordVariable}, never from the command line.",
        };

        public void AddTo(Command command)
        {
            if (WithCredential)
            {
                command.Options.Add(User);
            }

            command.Arguments.Add(Targets);
            command.Options.Add(Timeout);
            command.Options.Add(TrustedRoot);
            command.Options.Add(SkipCertificateCheck);
            command.Options.Add(DnsServer);
            command.Options.Add(ThrottleLimit);
            command.Options.Add(Family);
            command.Options.Add(Format);
        }

        /// <summary>Fills the options; returns an error to print, or null.</summary>
        public ItemError? Configure(ParseResult parse, EndpointProbeOptions options)
        {
            try
            {
                options.Timeout = Duration.Parse(parse.GetValue(Timeout)!, "--timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), Core.ErrorIds.EndpointTimeoutInvalid);
            }
            catch (OutageException ex)
            {
                return ex.Error;
            }

            if (WithCredential && parse.GetValue(User) is { Length: > 0 } user)
            {
                var password = Environment.GetEnvironmentVariable(PasswordVariable);
                if (string.IsNullOrEmpty(password))
                {
                    return new ItemError(Core.ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                        $"--user {user} needs its password in the environment variable {PasswordVariable}, which is not set.", "--user",
                        $"Set {PasswordVariable} (for example: read -rs {PasswordVariable}; export {PasswordVariable}); a password is never taken from the command line.");
                }

                options.Credential = new System.Net.NetworkCredential(user, password);
            }

            options.SkipCertificateCheck = parse.GetValue(SkipCertificateCheck);
            options.ThrottleLimit = Math.Max(1, parse.GetValue(ThrottleLimit));
            options.AddressFamily = parse.GetValue(Family);
            try
            {
                options.Resolver = EndpointSetup.ResolverFor(parse.GetValue(DnsServer));
                if (parse.GetValue(TrustedRoot) is { } root)
                {
                    options.TrustedRoot = EndpointSetup.LoadTrustedRoot(root);
                }
            }
            catch (OutageException ex)
            {
                return ex.Error;
            }

            return null;
        }
    }

    private static Command Http(CliIO io, string name, string description,
        Func<HttpEndpointRequest, IProgress<OperationProgress>?, System.Threading.CancellationToken, IEnumerable<Outcome<HttpEndpointResult>>> run)
    {
        var common = new Common { Targets = new Argument<string[]>("target") { Description = "Host names (host[:port]) or full https URIs.", Arity = ArgumentArity.OneOrMore } };
        var command = new Command(name, description);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var request = new HttpEndpointRequest();
            if (common.Configure(parse, request) is { } error)
            {
                io.WriteError(error);
                return ExitCodes.Error;
            }

            foreach (var t in parse.GetValue(common.Targets) ?? Array.Empty<string>())
            {
                request.Targets.Add(t);
            }

            return io.Write(() => run(request, null, default), parse.GetValue(common.Format), HttpTable, IsFailure);
        });
        return command;
    }

    private static Command Autodiscover(CliIO io)
    {
        var common = new Common { Targets = new Argument<string[]>("address") { Description = "E-mail addresses.", Arity = ArgumentArity.OneOrMore } };
        var command = new Command("autodiscover", "MS-OXDISCO order and Autodiscover v2 for an address, one record per attempt (like Test-AutodiscoverEndpoint).");
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var request = new AutodiscoverRequest();
            if (common.Configure(parse, request) is { } error)
            {
                io.WriteError(error);
                return ExitCodes.Error;
            }

            request.SrvResolver = request.Resolver as ISrvResolver; // --dns-server also answers the SRV step
            foreach (var t in parse.GetValue(common.Targets) ?? Array.Empty<string>())
            {
                request.EmailAddresses.Add(t);
            }

            return io.Write(() => AutodiscoverProbe.Test(request), parse.GetValue(common.Format), AutodiscoverTable, r => r.Status is ProbeStatus.Fail or ProbeStatus.Error);
        });
        return command;
    }

    private static Command Smtp(CliIO io)
    {
        var common = new Common { WithCredential = false, Targets = new Argument<string[]>("target") { Description = "host, host:port or [IPv6]:port.", Arity = ArgumentArity.OneOrMore } };
        var tls = new Option<SmtpTlsMode>("--tls") { Description = "StartTls (default), Implicit or None.", DefaultValueFactory = _ => SmtpTlsMode.StartTls };
        var port = new Option<int?>("--port") { Description = "Port when a target has none (25, or 465 with --tls Implicit)." };
        var helo = new Option<string?>("--helo") { Description = "Name to greet with in EHLO." };
        var from = new Option<string?>("--from") { Description = "MAIL FROM address for an envelope probe ('' for <>)." };
        var to = new Option<string[]>("--to") { Description = "RCPT TO addresses (with --from); stops at RCPT, never DATA.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("smtp", "Banner, EHLO extensions, STARTTLS or implicit TLS, optional MAIL FROM/RCPT TO (like Test-SmtpEndpoint).")
        {
            tls, port, helo, from, to,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var request = new SmtpEndpointRequest
            {
                Tls = parse.GetValue(tls), Port = parse.GetValue(port), HeloName = parse.GetValue(helo), From = parse.GetValue(from),
            };
            if (common.Configure(parse, request) is { } error)
            {
                io.WriteError(error);
                return ExitCodes.Error;
            }

            foreach (var r in parse.GetValue(to) ?? Array.Empty<string>())
            {
                request.To.Add(r);
            }

            foreach (var t in parse.GetValue(common.Targets) ?? Array.Empty<string>())
            {
                request.Targets.Add(t);
            }

            return io.Write(() => SmtpProbe.Test(request), parse.GetValue(common.Format), SmtpTable, r => r.Status is ProbeStatus.Fail or ProbeStatus.Error);
        });
        return command;
    }

    private static bool IsFailure(HttpEndpointResult r) => r.Status is ProbeStatus.Fail or ProbeStatus.Error;

    private static readonly TableColumn<HttpEndpointResult>[] HttpTable =
    {
        new("Target", 30, r => r.Target),
        new("Status", 6, r => r.Status),
        new("Outcome", 24, r => r.Outcome),
        new("Code", 4, r => r.StatusCode),
        new("TotalMs", 8, r => r.TotalMs.ToString("0.0", CultureInfo.InvariantCulture)),
        new("Summary", 0, r => r.Summary),
    };

    private static readonly TableColumn<SmtpEndpointResult>[] SmtpTable =
    {
        new("Target", 28, r => r.Target),
        new("Status", 6, r => r.Status),
        new("Outcome", 18, r => r.Outcome),
        new("Banner", 6, r => r.BannerCode),
        new("TLS", 5, r => r.TlsEstablished),
        new("Summary", 0, r => r.Summary),
    };

    private static readonly TableColumn<AutodiscoverResult>[] AutodiscoverTable =
    {
        new("EmailAddress", 30, r => r.EmailAddress),
        new("Status", 6, r => r.Status),
        new("Outcome", 22, r => r.Outcome),
        new("EndpointUrl", 40, r => r.EndpointUrl),
        new("Summary", 0, r => r.Summary),
    };
}
