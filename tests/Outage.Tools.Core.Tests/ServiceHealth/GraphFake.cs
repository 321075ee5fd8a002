using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Outage.Tools.Core.Tests.ServiceHealth;

/// <summary>
/// A local stand-in for the Microsoft identity platform and Microsoft Graph service communications, serving the
/// DOCUMENTED request and response shapes (entra-docs v2-oauth2-client-creds-grant-flow.md,
/// certificate-credentials.md, azure-docs enable-managed-identity-for-automation.md, graph-docs-contrib
/// serviceannouncement-list-*.md, throttling.md). It verifies what a real server would: the form fields, the
/// client assertion's signature, header (alg, x5t / x5t#S256) and claims (aud, iss, sub, exp, nbf, jti), the
/// managed identity header, and the bearer token on every Graph call. HTTPS on 127.0.0.1 with the test CA; the
/// managed identity endpoints on plain HTTP (as on Azure). The first path segment of the Graph base selects a
/// behaviour: ok, throttle (one 429 Retry-After: 1), throttlelong (429 Retry-After: 3600), busy (503 without
/// Retry-After, then 200), forbidden (403), unauthorized (401), malformed, slow (30 s), offhost, loop.
/// </summary>
public sealed class GraphFake : IAsyncDisposable
{
    public const string TenantId = "72f988bf-0000-4000-8000-00000000cafe";
    public const string ClientId = "0b6c2f3e-1111-4222-8333-444455556666";
    public const string ManagedIdentityHeader = "mi-header-7f3a9c-never-echo";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new();
    private readonly ConcurrentDictionary<string, bool> _jtis = new();
    private readonly ConcurrentDictionary<string, int> _counters = new();
    private WebApplication? _https;
    private WebApplication? _http;

    public GraphFake(X509Certificate2 serverCertificate, string clientSecret, X509Certificate2? clientCertificate = null)
    {
        ServerCertificate = serverCertificate;
        ClientSecret = clientSecret;
        ClientCertificate = clientCertificate;
    }

    public X509Certificate2 ServerCertificate { get; }

    public string ClientSecret { get; }

    /// <summary>The certificate "uploaded to the app registration" (public part used to verify assertions).</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Lifetime of issued tokens, in seconds (expires_in).</summary>
    public int TokenLifetimeSeconds { get; set; } = 3599;

    public int Port { get; private set; }

    public int HttpPort { get; private set; }

    /// <summary>https://127.0.0.1:PORT/ : the authority (the identity platform's base).</summary>
    public Uri Authority => new($"https://127.0.0.1:{Port}/");

    /// <summary>The Graph base of a behaviour: https://127.0.0.1:PORT/{mode}/.</summary>
    public Uri Graph(string mode = "ok") => new($"https://127.0.0.1:{Port}/{mode}/");

    /// <summary>IDENTITY_ENDPOINT of Azure Automation, on loopback.</summary>
    public string IdentityEndpoint => $"http://127.0.0.1:{HttpPort}/msi/token";

    /// <summary>The IMDS token endpoint, on loopback (never 169.254.169.254 in tests).</summary>
    public Uri ImdsEndpoint => new($"http://127.0.0.1:{HttpPort}/metadata/identity/oauth2/token");

    /// <summary>Every request: method, path, query, headers and form fields, in arrival order.</summary>
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public sealed record SeenRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers,
        IReadOnlyDictionary<string, string> Form, DateTimeOffset At, int Status);

    /// <summary>Why the last client assertion was refused (for test messages).</summary>
    public string? LastAssertionProblem { get; private set; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => ServerCertificate,
        })));
        var app = builder.Build();
        app.Run(HandleHttps);
        await app.StartAsync();
        _https = app;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;

        var hb = WebApplication.CreateSlimBuilder();
        hb.Logging.ClearProviders();
        hb.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var http = hb.Build();
        http.Run(HandleHttp);
        await http.StartAsync();
        _http = http;
        HttpPort = new Uri(http.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
    }

    public int Count(string path) => Requests.Count(r => r.Path == path);

    private async Task Record(HttpContext c, IReadOnlyDictionary<string, string> form)
    {
        var headers = c.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new SeenRequest(c.Request.Method, c.Request.Path.Value ?? string.Empty, c.Request.QueryString.Value ?? string.Empty,
            headers, form, DateTimeOffset.UtcNow, c.Response.StatusCode));
        await Task.CompletedTask;
    }

    private async Task HandleHttps(HttpContext c)
    {
        var path = c.Request.Path.Value ?? string.Empty;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (c.Request.HasFormContentType)
        {
            foreach (var f in await c.Request.ReadFormAsync())
            {
                form[f.Key] = f.Value.ToString();
            }
        }

        try
        {
            if (path == $"/{TenantId}/oauth2/v2.0/token" && c.Request.Method == "POST")
            {
                await Token(c, form);
                return;
            }

            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 5 && parts[1] == "v1.0" && parts[2] == "admin" && parts[3] == "serviceAnnouncement")
            {
                await GraphCall(c, parts[0], parts[4]);
                return;
            }

            c.Response.StatusCode = 404;
        }
        finally
        {
            await Record(c, form);
        }
    }

    // Client credentials (v2-oauth2-client-creds-grant-flow.md): form fields, then either the secret or a signed assertion.
    private async Task Token(HttpContext c, Dictionary<string, string> form)
    {
        if (!c.Request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) ||
            form.GetValueOrDefault("grant_type") != "client_credentials" || form.GetValueOrDefault("client_id") != ClientId)
        {
            await TokenError(c, 400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.", 900144);
            return;
        }

        if (form.GetValueOrDefault("scope") != $"https://127.0.0.1:{Port}/.default")
        {
            await TokenError(c, 400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid.", 1002012);
            return;
        }

        if (form.TryGetValue("client_secret", out var secret))
        {
            if (secret != ClientSecret)
            {
                await TokenError(c, 401, "invalid_client", $"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{ClientId}'.", 7000215);
                return;
            }
        }
        else if (form.GetValueOrDefault("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" &&
                 form.TryGetValue("client_assertion", out var assertion))
        {
            LastAssertionProblem = CheckAssertion(assertion);
            if (LastAssertionProblem is not null)
            {
                await TokenError(c, 401, "invalid_client", "AADSTS700027: Client assertion failed signature validation. " + LastAssertionProblem, 700027);
                return;
            }
        }
        else
        {
            await TokenError(c, 401, "invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 7000218);
            return;
        }

        var token = Issue();
        await Json(c, 200, new Dictionary<string, object> { ["token_type"] = "Bearer", ["expires_in"] = TokenLifetimeSeconds, ["ext_expires_in"] = TokenLifetimeSeconds, ["access_token"] = token });
    }

    private string Issue()
    {
        var token = "eyJ0eXAiOiJKV1QifQ.fake-" + Guid.NewGuid().ToString("N") + ".sig";
        _issued[token] = DateTimeOffset.UtcNow.AddSeconds(TokenLifetimeSeconds);
        return token;
    }

    /// <summary>Checks a client assertion as certificate-credentials.md describes it; null when good.</summary>
    private string? CheckAssertion(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return "not three parts";
        }

        using var header = JsonDocument.Parse(FromB64Url(parts[0]));
        using var claims = JsonDocument.Parse(FromB64Url(parts[1]));
        var h = header.RootElement;
        var alg = h.GetProperty("alg").GetString();
        if (h.GetProperty("typ").GetString() != "JWT")
        {
            return "typ";
        }

        if (ClientCertificate is null)
        {
            return "no certificate registered";
        }

        var sha1 = B64Url(SHA1.HashData(ClientCertificate.RawData));
        var sha256 = B64Url(SHA256.HashData(ClientCertificate.RawData));
        var x5tOk = (h.TryGetProperty("x5t", out var x5t) && x5t.GetString() == sha1) || (h.TryGetProperty("x5t#S256", out var s) && s.GetString() == sha256);
        if (!x5tOk)
        {
            return "x5t / x5t#S256 do not name the registered certificate";
        }

        var padding = alg switch { "RS256" => RSASignaturePadding.Pkcs1, "PS256" => RSASignaturePadding.Pss, _ => null };
        if (padding is null)
        {
            return "alg " + alg;
        }

        using var rsa = ClientCertificate.GetRSAPublicKey()!;
        if (!rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromB64Url(parts[2]), HashAlgorithmName.SHA256, padding))
        {
            return "signature";
        }

        var cl = claims.RootElement;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (cl.GetProperty("aud").GetString() != $"https://127.0.0.1:{Port}/{TenantId}/oauth2/v2.0/token")
        {
            return "aud " + cl.GetProperty("aud").GetString();
        }

        if (cl.GetProperty("iss").GetString() != ClientId || cl.GetProperty("sub").GetString() != ClientId)
        {
            return "iss/sub";
        }

        var exp = cl.GetProperty("exp").GetInt64();
        var nbf = cl.GetProperty("nbf").GetInt64();
        if (exp <= now || nbf > now + 60 || exp - nbf > 600)
        {
            return $"exp/nbf (exp {exp}, nbf {nbf}, now {now})";
        }

        var jti = cl.GetProperty("jti").GetString();
        if (!Guid.TryParse(jti, out _) || !_jtis.TryAdd(jti!, true))
        {
            return "jti missing or replayed";
        }

        return null;
    }

    private static Task TokenError(HttpContext c, int status, string error, string description, int code) =>
        Json(c, status, new Dictionary<string, object>
        {
            ["error"] = error,
            ["error_description"] = description + "\r\nTrace ID: 0a1b2c3d-0000-4000-8000-000000000001\r\nCorrelation ID: 9f8e7d6c-0000-4000-8000-000000000002\r\nTimestamp: 2026-11-30 05:00:00Z",
            ["error_codes"] = new[] { code },
            ["timestamp"] = "2026-11-30 05:00:00Z",
            ["trace_id"] = "0a1b2c3d-0000-4000-8000-000000000001",
            ["correlation_id"] = "9f8e7d6c-0000-4000-8000-000000000002",
        });

    // Managed identity endpoints: Azure Automation (IDENTITY_ENDPOINT + X-IDENTITY-HEADER) and IMDS (Metadata: true).
    private async Task HandleHttp(HttpContext c)
    {
        try
        {
            var q = c.Request.Query;
            var resource = q["resource"].ToString();
            if (c.Request.Path == "/msi/token")
            {
                if (c.Request.Headers["X-IDENTITY-HEADER"] != ManagedIdentityHeader)
                {
                    await Json(c, 400, new Dictionary<string, object> { ["Message"] = "No managed identity was found for Automation account xyz." });
                    return;
                }

                if (resource != $"https://127.0.0.1:{Port}/" || q["api-version"] != "2019-08-01")
                {
                    await Json(c, 500, new Dictionary<string, object> { ["statusCode"] = 500, ["message"] = "An unexpected error occured while fetching the AAD Token." });
                    return;
                }

                var expiresOn = DateTimeOffset.UtcNow.AddSeconds(TokenLifetimeSeconds).ToUnixTimeSeconds();
                await Json(c, 200, new Dictionary<string, object>
                {
                    ["access_token"] = Issue(), ["expires_on"] = expiresOn.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["resource"] = resource, ["token_type"] = "Bearer", ["client_id"] = q["client_id"].ToString(),
                });
                return;
            }

            if (c.Request.Path == "/metadata/identity/oauth2/token")
            {
                if (c.Request.Headers["Metadata"] != "true" || q["api-version"] != "2018-02-01" || resource != $"https://127.0.0.1:{Port}/")
                {
                    await Json(c, 400, new Dictionary<string, object> { ["error"] = "invalid_request", ["error_description"] = "Required metadata header not specified" });
                    return;
                }

                var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                await Json(c, 200, new Dictionary<string, object>
                {
                    ["access_token"] = Issue(), ["refresh_token"] = "", ["expires_in"] = TokenLifetimeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["expires_on"] = (now + TokenLifetimeSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["not_before"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture), ["resource"] = resource, ["token_type"] = "Bearer",
                });
                return;
            }

            c.Response.StatusCode = 404;
        }
        finally
        {
            await Record(c, new Dictionary<string, string>());
        }
    }

    private async Task GraphCall(HttpContext c, string mode, string collection)
    {
        c.Response.Headers["request-id"] = "3c1e6a2b-0000-4000-8000-00000000beef";
        var auth = c.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_issued.TryGetValue(auth.Substring(7), out var expires) || expires < DateTimeOffset.UtcNow ||
            mode == "unauthorized")
        {
            await Json(c, 401, GraphErrorBody("InvalidAuthenticationToken", "Access token validation failure. Invalid audience."));
            return;
        }

        var n = _counters.AddOrUpdate(mode + "/" + collection, 1, (_, v) => v + 1);
        switch (mode)
        {
            case "forbidden":
                await Json(c, 403, GraphErrorBody("UnknownError", string.Empty));
                return;
            case "throttle" when n == 1:
                c.Response.Headers["Retry-After"] = "1";
                await Json(c, 429, GraphErrorBody("TooManyRequests", "Too many requests"));
                return;
            case "throttlelong":
                c.Response.Headers["Retry-After"] = "3600";
                await Json(c, 429, GraphErrorBody("TooManyRequests", "Too many requests"));
                return;
            case "busy" when n <= 2:
                c.Response.StatusCode = 503;
                await c.Response.WriteAsync("Service Unavailable");
                return;
            case "malformed":
                c.Response.ContentType = "application/json";
                await c.Response.WriteAsync("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#admin/serviceAnnouncement/issues\",\"value\":[{\"id\":\"EX1\",");
                return;
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
                return;
        }

        var pages = collection switch
        {
            "healthOverviews" => GraphData.HealthPages,
            "issues" => GraphData.IssuePages,
            "messages" => GraphData.MessagePages,
            _ => null,
        };
        if (pages is null)
        {
            await Json(c, 404, GraphErrorBody("UnknownError", "Resource not found"));
            return;
        }

        var skip = int.TryParse(c.Request.Query["$skiptoken"], out var s) ? s : 0;
        var body = new Dictionary<string, object>
        {
            ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#admin/serviceAnnouncement/{collection}",
            ["value"] = JsonDocument.Parse(pages[skip]).RootElement.Clone(),
        };
        if (skip + 1 < pages.Length)
        {
            var expand = collection == "healthOverviews" ? "$expand=issues&" : string.Empty;
            body["@odata.nextLink"] = mode switch
            {
                "offhost" => $"https://graph.evil.test/v1.0/admin/serviceAnnouncement/{collection}?$skiptoken={skip + 1}",
                "loop" => $"https://127.0.0.1:{Port}/{mode}/v1.0/admin/serviceAnnouncement/{collection}?{expand}$skiptoken=0",
                _ => $"https://127.0.0.1:{Port}/{mode}/v1.0/admin/serviceAnnouncement/{collection}?{expand}$skiptoken={skip + 1}",
            };
        }

        await Json(c, 200, body);
    }

    private static Dictionary<string, object> GraphErrorBody(string code, string message) => new()
    {
        ["error"] = new Dictionary<string, object>
        {
            ["code"] = code, ["message"] = message,
            ["innerError"] = new Dictionary<string, object> { ["date"] = "2026-11-28T05:00:00", ["request-id"] = "3c1e6a2b-0000-4000-8000-00000000beef" },
        },
    };

    private static async Task Json(HttpContext c, int status, object body)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json; charset=utf-8";
        await c.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static string B64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromB64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { _https, _http })
        {
            if (app is not null)
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await app.StopAsync(stop.Token);
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>An RSA client certificate made in memory (the app registration's certificate).</summary>
    public static X509Certificate2 MakeClientCertificate(string subject = "CN=outage-tools-test-app")
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
