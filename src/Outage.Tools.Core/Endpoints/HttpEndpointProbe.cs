using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Endpoints;

/// <summary>
/// Test-OwaEndpoint, Test-ActiveSyncEndpoint and Test-EwsEndpoint: real HTTP requests over our own client,
/// redirects followed and recorded hop by hop, the answer classified the way an Exchange admin reads it.
/// A probe that fails is a result (Status Fail with the reason); only unusable targets are errors.
/// </summary>
public static class HttpEndpointProbe
{
    public const string Owa = "Owa";
    public const string ActiveSync = "ActiveSync";
    public const string Ews = "Ews";

    public static IEnumerable<Outcome<HttpEndpointResult>> TestOwa(HttpEndpointRequest request,
        IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(request, Owa, progress, cancellationToken);

    public static IEnumerable<Outcome<HttpEndpointResult>> TestActiveSync(HttpEndpointRequest request,
        IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(request, ActiveSync, progress, cancellationToken);

    public static IEnumerable<Outcome<HttpEndpointResult>> TestEws(HttpEndpointRequest request,
        IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(request, Ews, progress, cancellationToken);

    private static IEnumerable<Outcome<HttpEndpointResult>> Run(HttpEndpointRequest request, string check,
        IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var total = request.Targets.Count;
        var done = 0;
        var activity = $"Probing {check} endpoints";
        return OrderedParallel.Run(request.Targets, async (target, ct) =>
        {
            var outcome = await ProbeOneAsync(target, check, request, ct).ConfigureAwait(false);
            progress?.Report(OperationProgress.Of(activity, Interlocked.Increment(ref done), total, target));
            return outcome;
        }, Math.Max(1, request.ThrottleLimit), cancellationToken);
    }

    /// <summary>The default path of each check when a host name is given.</summary>
    public static string DefaultPath(string check) => check switch
    {
        ActiveSync => "/Microsoft-Server-ActiveSync",
        Ews => "/EWS/Exchange.asmx",
        _ => "/owa/",
    };

    /// <summary>A URI as given, or https://host[:port]/default-path for a host name; null when unusable.</summary>
    public static Uri? ToUri(string target, string check)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return null;
        }

        target = target.Trim();
        if (target.IndexOf("://", StringComparison.Ordinal) >= 0)
        {
            return Uri.TryCreate(target, UriKind.Absolute, out var uri) && (uri.Scheme == "https" || uri.Scheme == "http") &&
                   uri.Host.Length > 0 ? uri : null;
        }

        if (target.IndexOfAny(new[] { '/', ' ', '@', '?', '#' }) >= 0)
        {
            return null;
        }

        return Uri.TryCreate("https://" + target + DefaultPath(check), UriKind.Absolute, out var built) && built.Host.Length > 0
            ? built
            : null;
    }

    internal static async Task<Outcome<HttpEndpointResult>> ProbeOneAsync(string target, string check, EndpointProbeOptions options,
        CancellationToken cancellationToken)
    {
        var uri = ToUri(target, check);
        if (uri is null)
        {
            return Outcome<HttpEndpointResult>.Failure(new ItemError(ErrorIds.EndpointTargetInvalid, OutageErrorCategory.InvalidArgument,
                $"'{target}' is neither an http(s) URI nor a host name.", target,
                "Give a host name such as mail.contoso.com (optionally :port) or a full URI such as https://mail.contoso.com/owa/."));
        }

        try
        {
            var result = await ProbeUriAsync(target, uri, check, options, cancellationToken).ConfigureAwait(false);
            return Outcome<HttpEndpointResult>.Success(SecretRedaction.Scrub(result, options.Credential));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Outcome<HttpEndpointResult>.Success(new HttpEndpointResult
            {
                Target = target, Check = check, Url = uri.AbsoluteUri, Status = ProbeStatus.Error, Outcome = "ProbeError",
                Summary = "The probe itself failed: " + ex.Message, Detail = ex.GetType().FullName,
            });
        }
    }

    internal static async Task<HttpEndpointResult> ProbeUriAsync(string target, Uri start, string check, EndpointProbeOptions options,
        CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.Timeout);
        var hops = new List<HttpHop>();
        var notes = new List<string>();
        var uri = start;
        var credentialSent = false;
        string? refused = null;
        while (true)
        {
            var request = BuildRequest(check, uri, start, options, notes, out var sentNow);
            credentialSent |= sentNow;
            var hop = await HttpProbeClient.SendAsync(request, options, hops.Count + 1, budget.Token).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            hops.Add(hop);
            if (hop.Error is not null || hop.StatusCode < 300 || hop.StatusCode >= 400 || hop.StatusCode == 304 || hop.Location is null)
            {
                break;
            }

            if (!Uri.TryCreate(hop.Location, UriKind.Absolute, out var next) || (next.Scheme != "https" && next.Scheme != "http"))
            {
                refused = HttpProbeClient.Printable(hop.Location, 200);
                notes.Add($"Redirect to an unusable location '{refused}' not followed.");
                break;
            }

            if (hops.Count > options.MaxRedirects)
            {
                break;
            }

            if (uri.Scheme == "https" && next.Scheme == "http")
            {
                notes.Add($"Hop {hop.Index} redirects from HTTPS down to plain HTTP ({next.AbsoluteUri}).");
            }

            uri = next;
        }

        return Classify(target, start, check, options, hops, notes, credentialSent, refused);
    }

    private static HttpProbeRequest BuildRequest(string check, Uri uri, Uri start, EndpointProbeOptions options, List<string> notes,
        out bool credentialSent)
    {
        credentialSent = false;
        var request = new HttpProbeRequest { Uri = uri };
        var sameHost = string.Equals(uri.IdnHost, start.IdnHost, StringComparison.OrdinalIgnoreCase) && uri.Port == start.Port;
        var credential = options.Credential;
        var mayAuthenticate = credential is not null && sameHost && uri.Scheme == "https";
        if (credential is not null && !mayAuthenticate)
        {
            var why = uri.Scheme != "https" ? "not over TLS" : "another host than the target";
            var note = $"Credential not sent to {uri.Scheme}://{uri.Authority} ({why}).";
            if (!notes.Contains(note))
            {
                notes.Add(note);
            }
        }

        switch (check)
        {
            case ActiveSync:
                request.Method = "OPTIONS";
                request.Headers.Add(new KeyValuePair<string, string>("MS-ASProtocolVersion", "14.1"));
                break;
            case Ews when mayAuthenticate:
                request.Method = "POST";
                request.ContentType = "text/xml; charset=utf-8";
                request.Body = Encoding.UTF8.GetBytes(EwsProbeSoap);
                break;
        }

        if (mayAuthenticate)
        {
            request.Headers.Add(new KeyValuePair<string, string>("Authorization", "Basic " + BasicToken(credential!)));
            credentialSent = true;
        }

        return request;
    }

    private static string BasicToken(System.Net.NetworkCredential credential)
    {
        var user = string.IsNullOrEmpty(credential.Domain) ? credential.UserName : credential.Domain + "\\" + credential.UserName;
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + credential.Password));
    }

    internal const string EwsProbeSoap =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>" +
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" " +
        "xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\" " +
        "xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\">" +
        "<soap:Header><t:RequestServerVersion Version=\"Exchange2013\"/></soap:Header>" +
        "<soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>" +
        "<m:FolderIds><t:DistinguishedFolderId Id=\"msgfolderroot\"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>";

    private static HttpEndpointResult Classify(string target, Uri start, string check, EndpointProbeOptions options,
        List<HttpHop> hops, List<string> notes, bool credentialSent, string? refusedLocation)
    {
        var first = hops[0];
        var last = hops[hops.Count - 1];
        var result = new HttpEndpointResult
        {
            Target = target,
            Check = check,
            Url = start.AbsoluteUri,
            FinalUrl = last.Url,
            StatusCode = last.StatusCode,
            AuthSchemes = last.AuthSchemes,
            RetryAfter = last.RetryAfter,
            Timings = first.Timings,
            TotalMs = Math.Round(hops.Sum(h => h.Timings.TotalMs), 3),
            Tls = hops.Select(h => h.Tls).FirstOrDefault(t => t is not null),
            CertificateCheckSkipped = options.SkipCertificateCheck,
            Hops = hops,
            Headers = last.Headers,
        };
        result.LeftDomain = hops.Any(h => !SameDomain(new Uri(h.Url).IdnHost, start.IdnHost));
        if (result.LeftDomain)
        {
            var away = hops.First(h => !SameDomain(new Uri(h.Url).IdnHost, start.IdnHost));
            notes.Add($"The redirect chain leaves the domain of {start.IdnHost}: {new Uri(away.Url).IdnHost}.");
        }

        if (last.Error is not null)
        {
            result.Status = ProbeStatus.Fail;
            result.Outcome = last.TimedOut ? "Timeout" : last.FailedPhase switch
            {
                "DnsLookup" => "NameNotResolved",
                "Connect" => "ConnectFailed",
                "TlsHandshake" when last.Tls is not null => "CertificateInvalid",
                "TlsHandshake" => "TlsFailed",
                _ => "ProtocolError",
            };
            result.Summary = (hops.Count > 1 ? $"Hop {last.Index} ({last.Url}): " : string.Empty) + last.Error;
        }
        else if (refusedLocation is not null)
        {
            // A Location the probe must not follow (file:, javascript:, data:, not a URL): say so, it is no loop.
            result.Status = ProbeStatus.Fail;
            result.Outcome = "RedirectRefused";
            result.Summary = $"Hop {last.Index} ({last.StatusCode}) redirects to '{refusedLocation}', which is not an http or https URL; it was not followed.";
        }
        else if (last.StatusCode >= 300 && last.StatusCode < 400 && last.Location is not null)
        {
            result.Status = ProbeStatus.Fail;
            result.Outcome = "TooManyRedirects";
            result.Summary = $"More than {options.MaxRedirects} redirects; the chain was not followed further (a redirect loop?).";
        }
        else
        {
            ClassifyAnswer(result, check, last, start, credentialSent);
        }

        var tls = result.Tls;
        if (options.SkipCertificateCheck && tls is not null && !tls.CertificateValid && result.Status == ProbeStatus.Pass)
        {
            result.Status = ProbeStatus.Warn;
            result.Summary += $" Certificate NOT valid (check skipped): {tls.Reason}";
        }
        else if (tls is not null && tls.CertificateValid && tls.DaysUntilExpiry is < 14 && result.Status == ProbeStatus.Pass)
        {
            result.Status = ProbeStatus.Warn;
            result.Summary += $" The certificate expires in {TlsInspector.Days(tls.DaysUntilExpiry)} days.";
        }

        var detail = new StringBuilder();
        foreach (var hop in hops)
        {
            detail.Append(hop.Index.ToString(CultureInfo.InvariantCulture)).Append(". ").Append(hop.Method).Append(' ').Append(hop.Url)
                .Append(" → ").Append(hop.StatusCode == 0 ? "no answer" : hop.StatusCode.ToString(CultureInfo.InvariantCulture));
            if (hop.Location is not null && hop.StatusCode is >= 300 and < 400)
            {
                detail.Append(" Location: ").Append(hop.Location);
            }

            if (hop.AuthSchemes.Count > 0)
            {
                detail.Append(" Auth: ").Append(string.Join(", ", hop.AuthSchemes));
            }

            if (hop.Error is not null)
            {
                detail.Append(" [").Append(hop.FailedPhase).Append("] ").Append(hop.Error);
            }

            detail.Append(" (").Append(hop.Timings).Append(')').Append('\n');
        }

        foreach (var note in notes)
        {
            detail.Append(note).Append('\n');
        }

        result.Detail = detail.ToString().TrimEnd('\n');
        return result;
    }

    private static void ClassifyAnswer(HttpEndpointResult result, string check, HttpHop last, Uri start, bool credentialSent)
    {
        var code = last.StatusCode;
        var schemes = last.AuthSchemes.Count > 0 ? string.Join(", ", last.AuthSchemes) : "no scheme named";
        if (code == 401)
        {
            if (credentialSent && new Uri(last.Url).IdnHost == start.IdnHost)
            {
                result.Status = ProbeStatus.Fail;
                result.Outcome = "AuthenticationFailed";
                result.Summary = $"401 with the credential given (Basic); the server offers {schemes}.";
            }
            else
            {
                result.Status = ProbeStatus.Pass;
                result.Outcome = "AuthenticationRequired";
                result.Summary = $"401: authentication required, offering {schemes}.";
            }

            return;
        }

        if (code >= 500)
        {
            result.Status = ProbeStatus.Fail;
            result.Outcome = code == 503 ? "Unavailable" : "ServerError";
            result.Summary = $"{code} {last.ReasonPhrase}".TrimEnd() + (last.RetryAfter is null ? "." : $"; Retry-After: {last.RetryAfter}.");
            if (check == Ews && last.Body is not null && FaultString(last.Body) is { } fault)
            {
                result.Outcome = "SoapFault";
                result.SoapResponse = fault;
                result.Summary += " SOAP fault: " + fault;
            }

            return;
        }

        if (code >= 400)
        {
            result.Status = ProbeStatus.Fail;
            result.Outcome = code == 404 ? "NotFound" : code == 403 ? "Forbidden" : "ClientError";
            result.Summary = $"{code} {last.ReasonPhrase}".TrimEnd() + (code == 404 ? $": nothing at {new Uri(last.Url).AbsolutePath} (virtual directory missing?)." : ".");
            return;
        }

        if (code < 200)
        {
            result.Status = ProbeStatus.Fail;
            result.Outcome = "ProtocolError";
            result.Summary = $"Unexpected informational answer {code}.";
            return;
        }

        var offDomain = !SameDomain(new Uri(last.Url).IdnHost, start.IdnHost);
        switch (check)
        {
            case ActiveSync:
                var versions = Split(last.AllHeaders?.Get("MS-ASProtocolVersions"));
                var commands = Split(last.AllHeaders?.Get("MS-ASProtocolCommands"));
                result.ProtocolVersions = versions;
                result.ProtocolCommands = commands;
                if (versions.Count > 0)
                {
                    result.Status = ProbeStatus.Pass;
                    result.Outcome = credentialSent ? "Authenticated" : "Answered";
                    result.Summary = $"{code}: ActiveSync answers, versions {string.Join(", ", versions)}; {commands.Count} commands.";
                }
                else
                {
                    result.Status = ProbeStatus.Warn;
                    result.Outcome = "UnexpectedContent";
                    result.Summary = $"{code} without MS-ASProtocolVersions: this does not look like an ActiveSync endpoint (a proxy or login page?).";
                }

                return;
            case Ews:
                if (credentialSent && last.Body is not null && last.Body.IndexOf("ResponseClass=\"Success\"", StringComparison.Ordinal) >= 0)
                {
                    result.Status = ProbeStatus.Pass;
                    result.Outcome = "Authenticated";
                    result.SoapResponse = "NoError";
                    result.Summary = $"{code}: EWS answered the GetFolder request (NoError).";
                }
                else if (credentialSent && last.Body is not null && ResponseCode(last.Body) is { } rc)
                {
                    result.Status = ProbeStatus.Warn;
                    result.Outcome = "SoapError";
                    result.SoapResponse = rc;
                    result.Summary = $"{code}: EWS answered with {rc}.";
                }
                else
                {
                    result.Status = ProbeStatus.Warn;
                    result.Outcome = offDomain ? "IdentityProviderRedirect" : "UnexpectedContent";
                    result.Summary = $"{code} without authentication: EWS normally answers 401 (is it published through a pre-authenticating proxy?).";
                }

                return;
            default:
                var loginForm = IsSignInPage(last);
                if (offDomain)
                {
                    result.Status = ProbeStatus.Pass;
                    result.Outcome = "IdentityProviderRedirect";
                    result.Summary = $"Redirected to the identity provider {new Uri(last.Url).IdnHost}" + (loginForm ? ", which shows a sign-in form." : $" ({code}).");
                }
                else if (loginForm)
                {
                    result.Status = ProbeStatus.Pass;
                    result.Outcome = "LoginForm";
                    result.Summary = $"{code}: the OWA sign-in form was reached" + (result.Hops.Count > 1 ? $" after {result.Hops.Count - 1} redirect(s)." : ".");
                }
                else
                {
                    result.Status = ProbeStatus.Warn;
                    result.Outcome = "UnexpectedContent";
                    result.Summary = $"{code} ({last.ContentType ?? "no content type"}) but no sign-in form and no authentication challenge.";
                }

                return;
        }
    }

    /// <summary>
    /// A sign-in page: the final URL is OWA's forms-based logon page (/owa/auth/logon.aspx), or the body, read
    /// with <see cref="HtmlTags"/> under the HTML attribute rules (any quoting, case, entities), has an input of
    /// type password or a form posting to logon.aspx / auth.owa.
    /// </summary>
    internal static bool IsSignInPage(HttpHop last)
    {
        if (Uri.TryCreate(last.Url, UriKind.Absolute, out var url)
            && url.AbsolutePath.EndsWith("/owa/auth/logon.aspx", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var tag in HtmlTags.StartTags(last.Body ?? string.Empty))
        {
            if (tag.Name == "input" && string.Equals(tag["type"]?.Trim(), "password", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (tag.Name == "form" && tag["action"] is string action
                && (action.IndexOf("logon.aspx", StringComparison.OrdinalIgnoreCase) >= 0 || action.IndexOf("auth.owa", StringComparison.OrdinalIgnoreCase) >= 0))
            {
                return true;
            }
        }

        return false;
    }

    private static IReadOnlyList<string> Split(string? value) =>
        value is null ? Array.Empty<string>() : value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();

    private static string? FaultString(string body) => Between(body, "<faultstring", "</faultstring>");

    private static string? ResponseCode(string body) => Between(body, "<m:ResponseCode", "</m:ResponseCode>");

    private static string? Between(string body, string open, string close)
    {
        var i = body.IndexOf(open, StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }

        var gt = body.IndexOf('>', i);
        var end = body.IndexOf(close, StringComparison.Ordinal);
        return gt < 0 || end < gt ? null : HttpProbeClient.Printable(body.Substring(gt + 1, end - gt - 1).Trim(), 300);
    }

    /// <summary>Same registrable domain, approximated by the last two labels (three when the second-level label is short, e.g. co.uk).</summary>
    internal static bool SameDomain(string a, string b) =>
        string.Equals(Registrable(a), Registrable(b), StringComparison.OrdinalIgnoreCase);

    private static string Registrable(string host)
    {
        if (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return host;
        }

        var labels = host.TrimEnd('.').Split('.');
        if (labels.Length <= 2)
        {
            return host.TrimEnd('.');
        }

        var take = labels[labels.Length - 2].Length <= 3 && labels[labels.Length - 1].Length == 2 ? 3 : 2;
        return string.Join(".", labels.Skip(labels.Length - Math.Min(take, labels.Length)));
    }
}
