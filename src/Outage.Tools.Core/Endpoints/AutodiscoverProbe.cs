using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Endpoints;

/// <summary>
/// Test-AutodiscoverEndpoint: the MS-OXDISCO order (POST https://domain/autodiscover/autodiscover.xml, POST
/// https://autodiscover.domain/…, the unauthenticated HTTP GET redirect, SRV _autodiscover._tcp) and
/// Autodiscover v2 (JSON), one record per attempt, the settings found, and a warning when a redirect leaves the domain.
/// </summary>
public static class AutodiscoverProbe
{
    private const int MaxRedirects = 10;

    public static IEnumerable<Outcome<AutodiscoverResult>> Test(AutodiscoverRequest request,
        IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var total = request.EmailAddresses.Count;
        var done = 0;
        return OrderedParallel.Run(request.EmailAddresses, async (address, ct) =>
        {
            var outcome = await ProbeOneAsync(address, request, ct).ConfigureAwait(false);
            progress?.Report(OperationProgress.Of("Probing Autodiscover", Interlocked.Increment(ref done), total, address));
            return outcome;
        }, Math.Max(1, request.ThrottleLimit), cancellationToken);
    }

    internal static async Task<Outcome<AutodiscoverResult>> ProbeOneAsync(string address, AutodiscoverRequest request, CancellationToken cancellationToken)
    {
        var trimmed = (address ?? string.Empty).Trim();
        var at = trimmed.LastIndexOf('@');
        var domain = at > 0 ? trimmed.Substring(at + 1).TrimEnd('.') : string.Empty;
        if (at <= 0 || Uri.CheckHostName(domain) != UriHostNameType.Dns || trimmed.IndexOfAny(new[] { ' ', '<', '>', '/', '?', '#' }) >= 0)
        {
            return Outcome<AutodiscoverResult>.Failure(new ItemError(ErrorIds.EndpointTargetInvalid, OutageErrorCategory.InvalidArgument,
                $"'{address}' is not an e-mail address.", address, "Give an address such as user@contoso.com."));
        }

        var run = new Run(trimmed, domain, request);
        var watch = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(request.Timeout);
        try
        {
            await run.ExecuteAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.Attempts.Add(new AutodiscoverAttempt { Step = "Timeout", Url = string.Empty, Outcome = "Failed", Error = $"The {request.Timeout.TotalSeconds:0.#} s budget ran out." });
        }

        var result = run.Finish();
        result.TotalMs = ProbeConnection.Ms(watch);
        return Outcome<AutodiscoverResult>.Success(SecretRedaction.Scrub(result, request.Credential));
    }

    internal static string RequestXml(string address) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>" +
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request>" +
        "<EMailAddress>" + System.Security.SecurityElement.Escape(address) + "</EMailAddress>" +
        "<AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>" +
        "</Request></Autodiscover>";

    private sealed class Run
    {
        private readonly AutodiscoverRequest _q;
        private readonly string _originalDomain;
        private string _address;
        private string _domain;
        private int _redirects;

        public Run(string address, string domain, AutodiscoverRequest request)
        {
            _address = address;
            _domain = domain;
            _originalDomain = domain;
            _q = request;
        }

        public List<AutodiscoverAttempt> Attempts { get; } = new();

        public List<AutodiscoverSetting> Settings { get; } = new();

        public List<string> Notes { get; } = new();

        public string? FoundUrl { get; private set; }

        public string FoundKind { get; private set; } = string.Empty;

        public IReadOnlyList<string> FoundSchemes { get; private set; } = Array.Empty<string>();

        public TlsDetails? FoundTls { get; private set; }

        public bool LeftDomain { get; private set; }

        public bool CredentialRejected { get; private set; }

        public string? EwsUrl { get; private set; }

        public string? ActiveSyncUrl { get; private set; }

        private string Https(string host, string path) =>
            $"https://{host}{(_q.HttpsPort == 443 ? string.Empty : ":" + _q.HttpsPort.ToString(CultureInfo.InvariantCulture))}{path}";

        public async Task ExecuteAsync(CancellationToken ct)
        {
            while (true)
            {
                var restart = await XmlOrderAsync(ct).ConfigureAwait(false);
                if (!restart)
                {
                    break;
                }
            }

            if (_q.IncludeV2)
            {
                foreach (var protocol in _q.V2Protocols)
                {
                    await V2Async(protocol, ct).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Runs the XML order; returns true when a redirectAddr asks to start again with another address.</summary>
        private async Task<bool> XmlOrderAsync(CancellationToken ct)
        {
            const string path = "/autodiscover/autodiscover.xml";
            var steps = new[] { ("1 RootDomain", Https(_domain, path)), ("2 AutodiscoverHost", Https("autodiscover." + _domain, path)) };
            foreach (var (step, url) in steps)
            {
                var next = await PostAsync(step, url, ct).ConfigureAwait(false);
                if (next is { } n)
                {
                    return n;
                }
            }

            // 3: unauthenticated GET over plain HTTP, only to learn a redirect.
            var httpUrl = $"http://autodiscover.{_domain}{(_q.HttpPort == 80 ? string.Empty : ":" + _q.HttpPort.ToString(CultureInfo.InvariantCulture))}{path}";
            var hop = await SendAsync("GET", httpUrl, null, ct).ConfigureAwait(false);
            var attempt = Record("3 HttpRedirect", hop);
            if (hop.Error is null && hop.StatusCode is 301 or 302 or 307 or 308 && hop.Location is not null)
            {
                attempt.Outcome = "Redirect";
                attempt.RedirectTo = hop.Location;
                if (Uri.TryCreate(hop.Location, UriKind.Absolute, out var target) && target.Scheme == "https")
                {
                    NoteDomain(target.IdnHost, "HTTP redirect");
                    var next = await PostAsync("3 HttpRedirect → POST", target.AbsoluteUri, ct).ConfigureAwait(false);
                    if (next is { } n)
                    {
                        return n;
                    }
                }
                else
                {
                    attempt.Error = "The redirect does not lead to an https URL; not followed (MS-OXDISCO requires https).";
                }
            }
            else if (hop.Error is null)
            {
                attempt.Outcome = hop.StatusCode == 404 ? "NotFound" : "NoRedirect";
            }

            // 4: SRV.
            var srvName = "_autodiscover._tcp." + _domain;
            if (_q.SrvResolver is null)
            {
                Attempts.Add(new AutodiscoverAttempt
                {
                    Step = "4 Srv", Url = srvName, Method = "SRV", Outcome = "Skipped",
                    Error = "No SRV resolver: the system resolver cannot look up SRV records (use -DnsServer).",
                });
                return false;
            }

            var watch = Stopwatch.StartNew();
            SrvTarget[] targets;
            try
            {
                targets = await _q.SrvResolver.ResolveSrvAsync(srvName, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
            {
                Attempts.Add(new AutodiscoverAttempt { Step = "4 Srv", Url = srvName, Method = "SRV", Outcome = "Failed", Error = ex.Message, DurationMs = ProbeConnection.Ms(watch) });
                return false;
            }

            Attempts.Add(new AutodiscoverAttempt
            {
                Step = "4 Srv", Url = srvName, Method = "SRV", Outcome = targets.Length == 0 ? "NotFound" : "Found",
                DurationMs = ProbeConnection.Ms(watch),
                RedirectTo = string.Join(", ", targets.Select(t => $"{t.Host}:{t.Port}")),
            });
            foreach (var t in targets.OrderBy(t => t.Priority).ThenByDescending(t => t.Weight))
            {
                var host = t.Host.TrimEnd('.');
                NoteDomain(host, "SRV record");
                var url = $"https://{host}{(t.Port == 443 ? string.Empty : ":" + t.Port.ToString(CultureInfo.InvariantCulture))}{path}";
                var next = await PostAsync("4 Srv → POST", url, ct).ConfigureAwait(false);
                if (next is { } n)
                {
                    return n;
                }
            }

            return false;
        }

        /// <summary>POSTs the request; null to go on with the next step, false when found (or a dead end), true to restart with a new address.</summary>
        private async Task<bool?> PostAsync(string step, string url, CancellationToken ct)
        {
            var hop = await SendAsync("POST", url, Encoding.UTF8.GetBytes(RequestXml(_address)), ct).ConfigureAwait(false);
            var attempt = Record(step, hop);
            if (hop.Error is not null)
            {
                return null;
            }

            if (hop.StatusCode is 301 or 302 or 307 or 308 && hop.Location is not null)
            {
                attempt.Outcome = "Redirect";
                attempt.RedirectTo = hop.Location;
                if (++_redirects > MaxRedirects || !Uri.TryCreate(hop.Location, UriKind.Absolute, out var target) || target.Scheme != "https")
                {
                    attempt.Error = "Redirect not followed (not https, or too many redirects).";
                    return null;
                }

                NoteDomain(target.IdnHost, "HTTP redirect");
                return await PostAsync(step + " → redirect", target.AbsoluteUri, ct).ConfigureAwait(false);
            }

            if (hop.StatusCode == 401)
            {
                attempt.Outcome = "AuthenticationRequired";
                if (_q.Credential is not null && SentCredential(url))
                {
                    CredentialRejected = true;
                }

                Found(url, "AuthenticationRequired", hop);
                return false;
            }

            if (hop.StatusCode != 200)
            {
                attempt.Outcome = hop.StatusCode == 404 ? "NotFound" : "HttpError";
                return null;
            }

            XElement? root;
            try
            {
                using var reader = XmlReader.Create(new StringReader(hop.Body ?? string.Empty), new XmlReaderSettings
                {
                    DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = HttpProbeClient.MaxBody * 2,
                });
                root = XDocument.Load(reader).Root;
            }
            catch (XmlException ex)
            {
                attempt.Outcome = "InvalidResponse";
                attempt.Error = $"200 but not Autodiscover XML ({hop.ContentType}): {ex.Message}";
                return null;
            }

            var response = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Response");
            var error = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            if (response is null || error is not null)
            {
                attempt.Outcome = "AutodiscoverError";
                attempt.Error = error is null ? "No Response element." :
                    $"{Child(error, "ErrorCode")}: {Child(error, "Message")}".Trim(' ', ':');
                return null;
            }

            var action = response.Descendants().FirstOrDefault(e => e.Name.LocalName == "Action")?.Value.Trim();
            if (string.Equals(action, "redirectAddr", StringComparison.OrdinalIgnoreCase))
            {
                var newAddress = response.Descendants().FirstOrDefault(e => e.Name.LocalName == "RedirectAddr")?.Value.Trim() ?? string.Empty;
                attempt.Outcome = "Redirect";
                attempt.RedirectTo = newAddress;
                var at = newAddress.LastIndexOf('@');
                if (at <= 0 || ++_redirects > MaxRedirects)
                {
                    attempt.Error = "redirectAddr not followed (no address, or too many redirects).";
                    return false;
                }

                _address = newAddress;
                _domain = newAddress.Substring(at + 1);
                NoteDomain(_domain, "redirectAddr");
                return true;
            }

            if (string.Equals(action, "redirectUrl", StringComparison.OrdinalIgnoreCase))
            {
                var redirectUrl = response.Descendants().FirstOrDefault(e => e.Name.LocalName == "RedirectUrl")?.Value.Trim() ?? string.Empty;
                attempt.Outcome = "Redirect";
                attempt.RedirectTo = redirectUrl;
                if (++_redirects > MaxRedirects || !Uri.TryCreate(redirectUrl, UriKind.Absolute, out var target) || target.Scheme != "https")
                {
                    attempt.Error = "redirectUrl not followed (not https, or too many redirects).";
                    return false;
                }

                NoteDomain(target.IdnHost, "redirectUrl");
                return await PostAsync(step + " → redirectUrl", target.AbsoluteUri, ct).ConfigureAwait(false);
            }

            attempt.Outcome = "Settings";
            foreach (var user in response.Elements().Where(e => e.Name.LocalName == "User"))
            {
                foreach (var e in user.Elements().Where(e => !e.HasElements))
                {
                    Settings.Add(new AutodiscoverSetting("User", e.Name.LocalName, e.Value.Trim()));
                }
            }

            foreach (var protocol in response.Descendants().Where(e => e.Name.LocalName == "Protocol"))
            {
                var type = Child(protocol, "Type") ?? protocol.Attribute("Type")?.Value ?? "Protocol";
                foreach (var e in protocol.Elements().Where(e => !e.HasElements && e.Name.LocalName != "Type"))
                {
                    Settings.Add(new AutodiscoverSetting(type, e.Name.LocalName, e.Value.Trim()));
                    if (e.Name.LocalName == "EwsUrl" && (EwsUrl is null || type == "EXPR"))
                    {
                        EwsUrl = e.Value.Trim();
                    }

                    if (e.Name.LocalName == "ASUrl")
                    {
                        ActiveSyncUrl ??= e.Value.Trim();
                    }
                }
            }

            Found(url, "Settings", hop);
            return false;
        }

        private async Task V2Async(string protocol, CancellationToken ct)
        {
            var url = Https("autodiscover." + _originalDomain,
                "/autodiscover/autodiscover.json/v1.0/" + Uri.EscapeDataString(_address) + "?Protocol=" + Uri.EscapeDataString(protocol));
            for (var i = 0; i <= 5; i++)
            {
                var hop = await SendAsync("GET", url, null, ct).ConfigureAwait(false);
                var attempt = Record("5 V2Json " + protocol, hop);
                if (hop.Error is not null)
                {
                    return;
                }

                if (hop.StatusCode is 301 or 302 or 307 or 308 && hop.Location is not null &&
                    Uri.TryCreate(hop.Location, UriKind.Absolute, out var next) && next.Scheme == "https")
                {
                    attempt.Outcome = "Redirect";
                    attempt.RedirectTo = next.AbsoluteUri;
                    NoteDomain(next.IdnHost, "v2 redirect");
                    url = next.AbsoluteUri;
                    continue;
                }

                var match = hop.StatusCode == 200 && hop.Body is not null
                    ? Regex.Match(hop.Body, "\"Url\"\\s*:\\s*\"([^\"]+)\"", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))
                    : null;
                if (match is { Success: true })
                {
                    attempt.Outcome = "Settings";
                    var value = match.Groups[1].Value.Replace("\\/", "/");
                    Settings.Add(new AutodiscoverSetting("V2:" + protocol, "Url", value));
                    if (string.Equals(protocol, "EWS", StringComparison.OrdinalIgnoreCase))
                    {
                        EwsUrl ??= value;
                    }
                    else if (string.Equals(protocol, "ActiveSync", StringComparison.OrdinalIgnoreCase))
                    {
                        ActiveSyncUrl ??= value;
                    }

                    FoundUrl ??= url;
                    if (FoundKind.Length == 0)
                    {
                        FoundKind = "Settings";
                        FoundTls = hop.Tls;
                    }
                }
                else
                {
                    attempt.Outcome = hop.StatusCode == 404 ? "NotFound" : hop.StatusCode == 200 ? "InvalidResponse" : "HttpError";
                }

                return;
            }
        }

        private bool SentCredential(string url) =>
            Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == "https" && InDomain(u.IdnHost, _originalDomain);

        private static bool InDomain(string host, string domain) =>
            string.Equals(host, domain, StringComparison.OrdinalIgnoreCase) ||
            host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);

        private void NoteDomain(string host, string how)
        {
            if (!InDomain(host.TrimEnd('.'), _originalDomain))
            {
                LeftDomain = true;
                var note = $"A {how} leads outside {_originalDomain}: {host} (Outlook asks the user before trusting it).";
                if (!Notes.Contains(note))
                {
                    Notes.Add(note);
                }
            }
        }

        private void Found(string url, string kind, HttpHop hop)
        {
            if (FoundKind.Length > 0 && FoundKind != "AuthenticationRequired")
            {
                return;
            }

            FoundUrl = url;
            FoundKind = kind;
            FoundTls = hop.Tls;
            FoundSchemes = hop.AuthSchemes;
        }

        private async Task<HttpHop> SendAsync(string method, string url, byte[]? body, CancellationToken ct)
        {
            var uri = new Uri(url);
            var request = new HttpProbeRequest { Method = method, Uri = uri, Body = body, ContentType = body is null ? null : "text/xml; charset=utf-8" };
            var credential = _q.Credential;
            if (credential is not null && SentCredential(url))
            {
                var user = string.IsNullOrEmpty(credential.Domain) ? credential.UserName : credential.Domain + "\\" + credential.UserName;
                request.Headers.Add(new KeyValuePair<string, string>("Authorization",
                    "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + credential.Password))));
            }
            else if (credential is not null)
            {
                var note = $"Credential not sent to {uri.Scheme}://{uri.Authority} (not TLS, or outside {_originalDomain}).";
                if (!Notes.Contains(note))
                {
                    Notes.Add(note);
                }
            }

            return await HttpProbeClient.SendAsync(request, _q, Attempts.Count + 1, ct).ConfigureAwait(false);
        }

        private AutodiscoverAttempt Record(string step, HttpHop hop)
        {
            var attempt = new AutodiscoverAttempt
            {
                Step = step, Url = hop.Url, Method = hop.Method, StatusCode = hop.StatusCode, DurationMs = hop.Timings.TotalMs,
                Error = hop.Error, Tls = hop.Tls,
                Outcome = hop.Error is null ? hop.StatusCode.ToString(CultureInfo.InvariantCulture)
                    : hop.TimedOut ? "Timeout" : hop.FailedPhase == "TlsHandshake" && hop.Tls is not null ? "CertificateInvalid" : "Failed",
            };
            Attempts.Add(attempt);
            return attempt;
        }

        private static string? Child(XElement e, string name) => e.Elements().FirstOrDefault(c => c.Name.LocalName == name)?.Value.Trim();

        public AutodiscoverResult Finish()
        {
            var r = new AutodiscoverResult
            {
                Target = _address, EmailAddress = _address, Domain = _originalDomain, Attempts = Attempts, Settings = Settings,
                EndpointUrl = FoundUrl, EwsUrl = EwsUrl, ActiveSyncUrl = ActiveSyncUrl, LeftDomain = LeftDomain, Tls = FoundTls,
                CertificateCheckSkipped = _q.SkipCertificateCheck,
            };
            switch (FoundKind)
            {
                case "Settings":
                    r.Status = LeftDomain ? ProbeStatus.Warn : ProbeStatus.Pass;
                    r.Outcome = "Settings";
                    r.Summary = $"Settings from {FoundUrl}" + (EwsUrl is null ? "." : $"; EWS {EwsUrl}") + (ActiveSyncUrl is null ? "." : $"; ActiveSync {ActiveSyncUrl}.");
                    break;
                case "AuthenticationRequired" when CredentialRejected:
                    r.Status = ProbeStatus.Fail;
                    r.Outcome = "AuthenticationFailed";
                    r.Summary = $"{FoundUrl} refused the credential (401; offers {string.Join(", ", FoundSchemes)}).";
                    break;
                case "AuthenticationRequired":
                    r.Status = LeftDomain ? ProbeStatus.Warn : ProbeStatus.Pass;
                    r.Outcome = "AuthenticationRequired";
                    r.Summary = $"Autodiscover answers at {FoundUrl} (401, offering {(FoundSchemes.Count > 0 ? string.Join(", ", FoundSchemes) : "no scheme named")}); give -Credential to read the settings.";
                    break;
                default:
                    r.Status = ProbeStatus.Fail;
                    r.Outcome = "NotFound";
                    r.Summary = $"No Autodiscover endpoint answered for {_originalDomain} ({Attempts.Count} attempts; see Attempts).";
                    break;
            }

            if (LeftDomain && r.Status != ProbeStatus.Fail)
            {
                r.Summary += " A redirect left the domain.";
            }

            if (r.Tls is { CertificateValid: false } && _q.SkipCertificateCheck && r.Status == ProbeStatus.Pass)
            {
                r.Status = ProbeStatus.Warn;
                r.Summary += $" Certificate NOT valid (check skipped): {r.Tls.Reason}";
            }

            r.Detail = string.Join("\n", Attempts.Select(a => a + (a.RedirectTo is null ? string.Empty : " → " + a.RedirectTo) +
                                                            (a.Error is null ? string.Empty : " [" + a.Error + "]")).Concat(Notes));
            return r;
        }
    }
}
