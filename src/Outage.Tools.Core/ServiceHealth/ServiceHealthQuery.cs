using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Threading;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Serialization;

namespace Outage.Tools.Core.ServiceHealth;

/// <summary>Get-ServiceHealth / <c>outage health m365</c>: which services, which statuses.</summary>
public sealed class ServiceHealthRequest : ServiceHealthConnection
{
    /// <summary>Service ids or display names, wildcards allowed; empty: all.</summary>
    public List<string> Services { get; } = new();

    /// <summary>Statuses (any case, wildcards allowed); empty: all.</summary>
    public List<string> Status { get; } = new();
}

/// <summary>Get-ServiceHealthIssue: filters applied to the issues Graph returns (the documented shape; no $filter is sent).</summary>
public sealed class ServiceHealthIssueRequest : ServiceHealthConnection
{
    /// <summary>Issue ids, wildcards allowed (EX*); empty: all.</summary>
    public List<string> Ids { get; } = new();

    /// <summary>Service display names (Exchange Online), wildcards allowed; empty: all.</summary>
    public List<string> Services { get; } = new();

    public List<string> Status { get; } = new();

    /// <summary>advisory, incident; empty: both.</summary>
    public List<string> Classification { get; } = new();

    /// <summary>Only issues changed (lastModifiedDateTime, else startDateTime) at or after this time.</summary>
    public DateTimeOffset? Since { get; set; }

    /// <summary>Only issues that are not resolved.</summary>
    public bool Active { get; set; }
}

/// <summary>Message center posts (needs ServiceMessage.Read.All).</summary>
public sealed class ServiceUpdateMessageRequest : ServiceHealthConnection
{
    public List<string> Services { get; } = new();

    public DateTimeOffset? Since { get; set; }
}

/// <summary>
/// Microsoft Graph service communications (graph-docs-contrib service-communications-api-overview.md):
/// GET {graph}/v1.0/admin/serviceAnnouncement/healthOverviews?$expand=issues, /issues and /messages, following
/// @odata.nextLink (at most <see cref="ServiceHealthConnection.MaxPages"/> pages, only on the Graph host), with
/// 401/403 turned into errors that name the permission. Results stream page by page.
/// </summary>
public static class ServiceHealthQuery
{
    public const string ApiVersion = "v1.0";
    public const string HealthPermission = "ServiceHealth.Read.All";
    public const string MessagePermission = "ServiceMessage.Read.All";

    /// <summary>One object per service, with its unresolved issues.</summary>
    public static IEnumerable<Outcome<ServiceHealthOverview>> GetHealth(ServiceHealthRequest request, CancellationToken cancellationToken)
    {
        Check(request);
        return GetHealthCore(request, cancellationToken);
    }

    private static IEnumerable<Outcome<ServiceHealthOverview>> GetHealthCore(ServiceHealthRequest request, CancellationToken ct)
    {
        var services = request.Services.Select(s => new Wildcard(s)).ToList();
        var statuses = request.Status.Select(s => new Wildcard(s)).ToList();
        foreach (var page in Pages(request, "healthOverviews?$expand=issues", HealthPermission, ct))
        {
            foreach (var note in page.Notes)
            {
                yield return Outcome<ServiceHealthOverview>.Note(note);
            }

            foreach (var warning in page.Warnings)
            {
                yield return Outcome<ServiceHealthOverview>.Warn(warning);
            }

            foreach (var item in page.Items)
            {
                var o = ToOverview(item, page.ReceivedAt);
                if ((services.Count == 0 || services.Any(w => w.IsMatch(o.Id) || w.IsMatch(o.Service))) &&
                    (statuses.Count == 0 || statuses.Any(w => w.IsMatch(o.Status))))
                {
                    yield return Outcome<ServiceHealthOverview>.Success(o);
                }
            }
        }
    }

    /// <summary>The issues of the last 30 days (what Graph keeps), filtered.</summary>
    public static IEnumerable<Outcome<ServiceHealthIssue>> GetIssues(ServiceHealthIssueRequest request, CancellationToken cancellationToken)
    {
        Check(request);
        return GetIssuesCore(request, cancellationToken);
    }

    private static IEnumerable<Outcome<ServiceHealthIssue>> GetIssuesCore(ServiceHealthIssueRequest request, CancellationToken ct)
    {
        var ids = request.Ids.Select(s => new Wildcard(s)).ToList();
        var services = request.Services.Select(s => new Wildcard(s)).ToList();
        var statuses = request.Status.Select(s => new Wildcard(s)).ToList();
        var classes = request.Classification.Select(s => new Wildcard(s)).ToList();
        foreach (var page in Pages(request, "issues", HealthPermission, ct))
        {
            foreach (var note in page.Notes)
            {
                yield return Outcome<ServiceHealthIssue>.Note(note);
            }

            foreach (var warning in page.Warnings)
            {
                yield return Outcome<ServiceHealthIssue>.Warn(warning);
            }

            foreach (var item in page.Items)
            {
                var i = ToIssue(item);
                if (Matches(i, ids, services, statuses, classes, request.Since, request.Active))
                {
                    yield return Outcome<ServiceHealthIssue>.Success(i);
                }
            }
        }
    }

    /// <summary>Message center posts, filtered by service and last change.</summary>
    public static IEnumerable<Outcome<ServiceUpdateMessage>> GetMessages(ServiceUpdateMessageRequest request, CancellationToken cancellationToken)
    {
        Check(request);
        return GetMessagesCore(request, cancellationToken);
    }

    private static IEnumerable<Outcome<ServiceUpdateMessage>> GetMessagesCore(ServiceUpdateMessageRequest request, CancellationToken ct)
    {
        var services = request.Services.Select(s => new Wildcard(s)).ToList();
        foreach (var page in Pages(request, "messages", MessagePermission, ct))
        {
            foreach (var note in page.Notes)
            {
                yield return Outcome<ServiceUpdateMessage>.Note(note);
            }

            foreach (var warning in page.Warnings)
            {
                yield return Outcome<ServiceUpdateMessage>.Warn(warning);
            }

            foreach (var item in page.Items)
            {
                var m = ToMessage(item);
                var changed = m.LastModifiedDateTime ?? m.StartDateTime;
                if ((services.Count == 0 || m.Services.Split(new[] { ", " }, StringSplitOptions.RemoveEmptyEntries).Any(s => services.Any(w => w.IsMatch(s)))) &&
                    (request.Since is null || (changed is not null && changed >= request.Since)))
                {
                    yield return Outcome<ServiceUpdateMessage>.Success(m);
                }
            }
        }
    }

    internal static bool Matches(ServiceHealthIssue i, List<Wildcard> ids, List<Wildcard> services, List<Wildcard> statuses, List<Wildcard> classes,
        DateTimeOffset? since, bool active)
    {
        var changed = i.LastModifiedDateTime ?? i.StartDateTime;
        return (ids.Count == 0 || ids.Any(w => w.IsMatch(i.Id))) &&
               (services.Count == 0 || services.Any(w => w.IsMatch(i.Service))) &&
               (statuses.Count == 0 || statuses.Any(w => w.IsMatch(i.Status))) &&
               (classes.Count == 0 || classes.Any(w => w.IsMatch(i.Classification))) &&
               (since is null || (changed is not null && changed >= since)) &&
               (!active || !i.IsResolved);
    }

    private static void Check(ServiceHealthConnection request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        request.Validate();
        if (request.MaxPages < 1 || request.MaxRetries < 0 || request.Timeout <= TimeSpan.Zero || request.MaxRetryWait < TimeSpan.Zero)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                "MaxPages must be at least 1, MaxRetries at least 0, Timeout positive and MaxRetryWait not negative.", null);
        }
    }

    internal sealed class Page
    {
        public List<Dictionary<string, object?>> Items { get; } = new();

        public List<string> Notes { get; } = new();

        public List<string> Warnings { get; } = new();

        public DateTimeOffset ReceivedAt { get; set; }
    }

    /// <summary>GET {graph}/v1.0/admin/serviceAnnouncement/{path} and each @odata.nextLink after it.</summary>
    internal static IEnumerable<Page> Pages(ServiceHealthConnection c, string path, string permission, CancellationToken ct)
    {
        var cache = c.TokenCache ?? new AccessTokenCache();
        using var http = new GraphHttp(c);
        var graphBase = ServiceHealthConnection.WithSlash(c.GraphEndpoint);
        var next = new Uri(graphBase, ApiVersion + "/admin/serviceAnnouncement/" + path);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        AccessToken? token = null;
        for (var n = 1; next is not null; n++)
        {
            if (n > c.MaxPages)
            {
                var last = new Page();
                last.Warnings.Add($"Stopped after {c.MaxPages} pages of {path.Split('?')[0]}; more are available (raise -MaxPages).");
                yield return last;
                yield break;
            }

            if (!seen.Add(next.AbsoluteUri))
            {
                throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
                    $"Graph's @odata.nextLink repeats a page already read ({next.GetLeftPart(UriPartial.Path)}); stopped.", next.AbsoluteUri);
            }

            var page = new Page();
            if (token is null || token.ExpiresOn - DateTimeOffset.UtcNow < TimeSpan.FromMinutes(1))
            {
                token = IdentityClient.GetTokenAsync(c, http, cache, ct).GetAwaiter().GetResult();
            }

            var bearer = token.Value;
            var uri = next;
            var what = "Graph " + uri.GetLeftPart(UriPartial.Path);
            http.Notes.Add($"GET {Display(uri)} (page {n}).");
            var answer = http.SendAsync(() =>
            {
                var r = new HttpRequestMessage(HttpMethod.Get, uri);
                r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                r.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return r;
            }, what, ct).GetAwaiter().GetResult();
            page.ReceivedAt = DateTimeOffset.UtcNow;
            page.Notes.AddRange(http.Notes);
            http.Notes.Clear();
            if (answer.StatusCode != 200)
            {
                if (answer.StatusCode == 401)
                {
                    cache.Remove(IdentityClient.CacheKey(c));
                }

                throw GraphError(answer, what, permission, c);
            }

            Dictionary<string, object?> json;
            try
            {
                json = JsonValue.Parse(answer.Body) as Dictionary<string, object?> ?? throw new FormatException("the answer is not a JSON object");
            }
            catch (FormatException ex)
            {
                throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
                    $"{what} answered with malformed JSON ({ex.Message}).", uri.AbsoluteUri, "Check that the Graph endpoint (-GraphEndpoint) is Microsoft Graph; try again later.", ex);
            }

            if (!json.TryGetValue("value", out var value) || value is not List<object?> list)
            {
                throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
                    $"{what} answered without a 'value' array.", uri.AbsoluteUri, "Check that the Graph endpoint (-GraphEndpoint) is Microsoft Graph.");
            }

            foreach (var entry in list)
            {
                if (entry is Dictionary<string, object?> item)
                {
                    page.Items.Add(item);
                }
            }

            page.Notes.Add($"Page {n}: {page.Items.Count} item(s).");
            next = null;
            if (IdentityClient.Str(json, "@odata.nextLink") is string link)
            {
                if (!Uri.TryCreate(link, UriKind.Absolute, out var linkUri) ||
                    Uri.Compare(linkUri, graphBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
                {
                    throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
                        $"Graph's @odata.nextLink does not point to {graphBase.GetLeftPart(UriPartial.Authority)}; not following it (the token would go there).", link);
                }

                next = linkUri;
            }

            yield return page;
        }
    }

    private static string Display(Uri uri) => Uri.UnescapeDataString(uri.PathAndQuery);

    private static OutageException GraphError(GraphAnswer answer, string what, string permission, ServiceHealthConnection c)
    {
        string? code = null, message = null;
        try
        {
            if (JsonValue.Parse(answer.Body) is Dictionary<string, object?> json && json.TryGetValue("error", out var e) && e is Dictionary<string, object?> error)
            {
                code = IdentityClient.Str(error, "code");
                message = IdentityClient.Str(error, "message");
            }
        }
        catch (FormatException)
        {
            // no error body: the status says enough
        }

        var detail = code is null ? string.Empty : $" {code}{(message is null ? string.Empty : ": " + message)}";
        var rid = answer.RequestId is null ? string.Empty : $" [request-id {answer.RequestId}]";
        var text = c.Credential!.Redact($"{what} answered {answer.StatusCode}{detail}{rid}.");
        return answer.StatusCode switch
        {
            401 => new OutageException(ErrorIds.ServiceHealthUnauthorized, OutageErrorCategory.AuthenticationError, text, what,
                $"The token was not accepted: check that -Authority and -GraphEndpoint are of the same cloud and that the app has the application permission {permission}."),
            403 => new OutageException(ErrorIds.ServiceHealthForbidden, OutageErrorCategory.PermissionDenied,
                text + $" The application needs the Microsoft Graph application permission {permission} with admin consent.", what,
                $"In Entra ID > App registrations > API permissions, add Microsoft Graph > Application permissions > {permission} and grant admin consent (for a managed identity: an app role assignment)."),
            _ => new OutageException(ErrorIds.ServiceHealthRequestFailed, OutageErrorCategory.InvalidResult, text, what, "Try again later; Microsoft 365 admin center > Service health shows the same data."),
        };
    }

    internal static ServiceHealthOverview ToOverview(Dictionary<string, object?> item, DateTimeOffset receivedAt)
    {
        var status = ServiceHealthStatusValues.Normalize(IdentityClient.Str(item, "status"));
        var issues = Objects(item, "issues").Select(ToIssue).Where(i => !i.IsResolved).OrderBy(i => i.StartDateTime).ToList();
        return new ServiceHealthOverview
        {
            Id = IdentityClient.Str(item, "id") ?? string.Empty,
            Service = IdentityClient.Str(item, "service") ?? string.Empty,
            Status = status,
            Severity = ServiceHealthStatusValues.SeverityOf(status),
            Issues = issues,
            OpenIssueCount = issues.Count,
            OpenIssues = string.Join("; ", issues.Select(i => i.Id + " " + i.Title)),
            RetrievedAt = receivedAt,
        };
    }

    internal static ServiceHealthIssue ToIssue(Dictionary<string, object?> item)
    {
        var status = ServiceHealthStatusValues.Normalize(IdentityClient.Str(item, "status"));
        var posts = Objects(item, "posts").Select(p =>
        {
            var body = p.TryGetValue("description", out var d) && d is Dictionary<string, object?> desc ? IdentityClient.Str(desc, "content") ?? string.Empty : string.Empty;
            return new ServiceHealthIssuePost
            {
                CreatedDateTime = Date(p, "createdDateTime"),
                PostType = ServiceHealthStatusValues.NormalizeEnum(IdentityClient.Str(p, "postType"), "regular", "quick", "strategic", "unknownFutureValue"),
                Content = body,
                Text = HtmlText(body),
            };
        }).OrderBy(p => p.CreatedDateTime).ToList();
        return new ServiceHealthIssue
        {
            Id = IdentityClient.Str(item, "id") ?? string.Empty,
            Title = IdentityClient.Str(item, "title") ?? string.Empty,
            Service = IdentityClient.Str(item, "service") ?? string.Empty,
            Feature = IdentityClient.Str(item, "feature") ?? string.Empty,
            FeatureGroup = IdentityClient.Str(item, "featureGroup") ?? string.Empty,
            Classification = ServiceHealthStatusValues.NormalizeEnum(IdentityClient.Str(item, "classification"), "advisory", "incident", "unknownFutureValue"),
            Origin = ServiceHealthStatusValues.NormalizeEnum(IdentityClient.Str(item, "origin"), "microsoft", "thirdParty", "customer", "unknownFutureValue"),
            Status = status,
            Severity = ServiceHealthStatusValues.SeverityOf(status),
            IsResolved = item.TryGetValue("isResolved", out var r) && r is true,
            StartDateTime = Date(item, "startDateTime"),
            EndDateTime = Date(item, "endDateTime"),
            LastModifiedDateTime = Date(item, "lastModifiedDateTime"),
            ImpactDescription = IdentityClient.Str(item, "impactDescription") ?? string.Empty,
            Posts = posts,
            PostCount = posts.Count,
            LatestPost = posts.Count == 0 ? string.Empty : posts[posts.Count - 1].Text,
        };
    }

    internal static ServiceUpdateMessage ToMessage(Dictionary<string, object?> item)
    {
        var body = item.TryGetValue("body", out var b) && b is Dictionary<string, object?> bd ? IdentityClient.Str(bd, "content") ?? string.Empty : string.Empty;
        return new ServiceUpdateMessage
        {
            Id = IdentityClient.Str(item, "id") ?? string.Empty,
            Title = IdentityClient.Str(item, "title") ?? string.Empty,
            Category = ServiceHealthStatusValues.NormalizeEnum(IdentityClient.Str(item, "category"), "preventOrFixIssue", "planForChange", "stayInformed", "unknownFutureValue"),
            Severity = ServiceHealthStatusValues.NormalizeEnum(IdentityClient.Str(item, "severity"), "normal", "high", "critical", "unknownFutureValue"),
            Services = string.Join(", ", Strings(item, "services")),
            Tags = string.Join(", ", Strings(item, "tags")),
            IsMajorChange = item.TryGetValue("isMajorChange", out var m) && m is true,
            StartDateTime = Date(item, "startDateTime"),
            EndDateTime = Date(item, "endDateTime"),
            LastModifiedDateTime = Date(item, "lastModifiedDateTime"),
            ActionRequiredByDateTime = Date(item, "actionRequiredByDateTime"),
            Text = HtmlText(body),
        };
    }

    private static IEnumerable<Dictionary<string, object?>> Objects(Dictionary<string, object?> item, string key) =>
        item.TryGetValue(key, out var v) && v is List<object?> list ? list.OfType<Dictionary<string, object?>>() : Enumerable.Empty<Dictionary<string, object?>>();

    private static IEnumerable<string> Strings(Dictionary<string, object?> item, string key) =>
        item.TryGetValue(key, out var v) && v is List<object?> list ? list.OfType<string>() : Enumerable.Empty<string>();

    private static DateTimeOffset? Date(Dictionary<string, object?> item, string key) =>
        IdentityClient.Str(item, key) is string s &&
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    private static readonly Regex Breaks = new(@"<\s*(br|/p|/div|/li|/h[1-6])\s*/?\s*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Tags = new("<[^>]*>", RegexOptions.CultureInvariant);
    private static readonly Regex Blank = new(@"[ \t]+", RegexOptions.CultureInvariant);
    private static readonly Regex Lines = new(@"\s*\n\s*", RegexOptions.CultureInvariant);

    /// <summary>Post bodies are HTML (itemBody contentType html): line breaks kept, tags removed, entities decoded.</summary>
    internal static string HtmlText(string html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        var text = Breaks.Replace(html.Replace("\r\n", "\n"), "\n");
        text = WebUtility.HtmlDecode(Tags.Replace(text, string.Empty));
        text = Lines.Replace(Blank.Replace(text, " "), "\n");
        return text.Trim();
    }
}
