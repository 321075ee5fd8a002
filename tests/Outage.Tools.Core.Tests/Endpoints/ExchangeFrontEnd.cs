using Xunit;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outage.Tools.Core.Endpoints;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>
/// A Kestrel HTTPS server on 127.0.0.1 that behaves like an Exchange front end (OWA, EAS, EWS, Autodiscover)
/// and its failure modes. The certificate is chosen by SNI, so one server covers every certificate case.
/// Every name resolves to 127.0.0.1 through <see cref="Resolver"/>.
/// </summary>
public sealed class ExchangeFrontEnd : IAsyncLifetime
{
    public TestPki Pki { get; } = new();

    public WebApplication App { get; private set; } = null!;

    public int Port { get; private set; }

    /// <summary>Hosts that received an Authorization header.</summary>
    public ConcurrentBag<string> AuthorizationSeenBy { get; } = new();

    public ConcurrentBag<string> RequestsSeen { get; } = new();

    public const string User = "probe@contoso.test";
    public const string Password = "S3cr3t-Pa55-never-echo!";

    public IHostResolver Resolver { get; } = new LoopbackResolver();

    public string Url(string host, string path) => $"https://{host}:{Port}{path}";

    public HttpEndpointRequest Request(params string[] targets)
    {
        var r = new HttpEndpointRequest { TrustedRoot = Pki.Ca, Resolver = Resolver, Timeout = TimeSpan.FromSeconds(10) };
        foreach (var t in targets)
        {
            r.Targets.Add(t);
        }

        return r;
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, name) => Pki.ForSni(name),
        })));
        var app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            RequestsSeen.Add(ctx.Request.Method + " " + ctx.Request.Host.Host + ctx.Request.Path);
            if (ctx.Request.Headers.ContainsKey("Authorization"))
            {
                AuthorizationSeenBy.Add(ctx.Request.Host.Host);
            }

            ctx.Response.Headers["X-FEServer"] = "FE01";
            ctx.Response.Headers["request-id"] = "6b1f0c2e-0000-4000-8000-000000000001";
            await next(ctx);
        });

        // OWA: /owa/ → /owa/auth/logon.aspx (form), like Exchange with forms-based authentication.
        app.MapGet("/owa/", (HttpContext c) => Redirect(c, "/owa/auth/logon.aspx?replaceCurrent=1&url=%2fowa%2f"));
        app.MapGet("/owa/auth/logon.aspx", (HttpContext c) =>
        {
            c.Response.Headers["X-OWA-Version"] = "15.2.1544.4";
            return Results.Content("<html><body><form action=\"/owa/auth.owa\" method=\"POST\"><input name=\"username\"/>" +
                                   "<input type=\"password\" name=\"password\"/></form></body></html>", "text/html; charset=utf-8");
        });
        // Hybrid / ADFS: off-domain redirect to an identity provider that shows a form.
        app.MapGet("/idp/owa/", (HttpContext c) => Redirect(c, $"https://login.idp.test:{Port}/adfs/ls/?wa=wsignin1.0"));
        app.MapGet("/adfs/ls/", () => Results.Content("<form><input type=password name=p></form>", "text/html"));
        // Windows-auth OWA: 401 with schemes.
        app.MapGet("/winauth/owa/", (HttpContext c) => Challenge(c, "Negotiate", "NTLM", "Basic realm=\"mail.contoso.test\""));
        app.MapGet("/bearer/owa/", (HttpContext c) => Challenge(c, "Bearer authorization_uri=\"https://login.idp.test/\", Basic realm=\"\""));
        app.MapGet("/plain/", () => Results.Content("<html>It works!</html>", "text/html"));
        // Sign-in forms written the other valid ways (single quotes, bare values, spaces, case, entities), and a
        // page whose only "password" is in a script; a logon.aspx without any form; redirects to file: / javascript:.
        app.MapGet("/single/owa/", () => Results.Content("<FORM method=post><INPUT TYPE='password' name=p></FORM>", "text/html"));
        app.MapGet("/bare/owa/", () => Results.Content("<form><input name=p type = password ></form>", "text/html"));
        app.MapGet("/entity/owa/", () => Results.Content("<form><input type=\"pass&#119;ord\" name=p></form>", "text/html"));
        app.MapGet("/script/owa/", () => Results.Content("<script>var x = '<input type=\"password\">';</script><p>type=password</p>", "text/html"));
        app.MapGet("/bare/owa/auth/logon.aspx", () => Results.Content("<html><body>Loading…</body></html>", "text/html"));
        app.MapGet("/tofile/owa/", (HttpContext c) => Redirect(c, "file:///etc/passwd"));
        app.MapGet("/tojs/owa/", (HttpContext c) => Redirect(c, "javascript:alert(1)"));
        app.MapGet("/err500/owa/", () => Results.StatusCode(500));
        app.MapGet("/busy/owa/", (HttpContext c) =>
        {
            c.Response.Headers["Retry-After"] = "120";
            return Results.StatusCode(503);
        });
        app.MapGet("/loop", (HttpContext c) => Redirect(c, "/loop"));
        app.MapGet("/chain/1", (HttpContext c) => Redirect(c, "/chain/2"));
        app.MapGet("/chain/2", (HttpContext c) => Redirect(c, $"https://other.contoso.test:{Port}/owa/"));
        app.MapGet("/slow/owa/", async (HttpContext c) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
            return Results.Ok();
        });
        app.MapGet("/reset/owa/", (HttpContext c) =>
        {
            c.Abort();
            return Results.Empty;
        });
        app.MapGet("/chunked/owa/", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/html";
            await c.Response.WriteAsync("<html><form>");
            await c.Response.Body.FlushAsync();
            await c.Response.WriteAsync("<input type=\"password\"></form></html>");
        });
        // ActiveSync.
        app.MapMethods("/Microsoft-Server-ActiveSync", new[] { "OPTIONS" }, (HttpContext c) =>
        {
            if (!IsGoodBasic(c))
            {
                return Challenge(c, "Basic realm=\"mail.contoso.test\"", "Negotiate");
            }

            c.Response.Headers["MS-ASProtocolVersions"] = "2.5,12.0,12.1,14.0,14.1,16.0,16.1";
            c.Response.Headers["MS-ASProtocolCommands"] = "Sync,SendMail,SmartForward,SmartReply,GetAttachment,FolderSync,Ping";
            return Results.Ok();
        });
        // Autodiscover (POX): without a credential Exchange answers 401 with its schemes (MS-OXDISCO found, needs sign-in).
        app.MapPost("/autodiscover/autodiscover.xml", (HttpContext c) => Challenge(c, "Negotiate", "NTLM", "Basic realm=\"mail.contoso.test\""));
        // EWS.
        app.MapGet("/EWS/Exchange.asmx", (HttpContext c) => Challenge(c, "Negotiate", "NTLM"));
        app.MapPost("/EWS/Exchange.asmx", (HttpContext c) =>
        {
            if (!IsGoodBasic(c))
            {
                return Challenge(c, "Negotiate", "NTLM", "Basic realm=\"\"");
            }

            return Results.Content("<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>" +
                "<m:GetFolderResponse xmlns:m=\"m\"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass=\"Success\">" +
                "<m:ResponseCode>NoError</m:ResponseCode></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>",
                "text/xml; charset=utf-8");
        });
        app.MapPost("/fault/EWS/Exchange.asmx", () => Results.Content(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><faultcode>s:Client</faultcode>" +
            "<faultstring>The request failed schema validation.</faultstring></s:Fault></s:Body></s:Envelope>", "text/xml", statusCode: 500));
        // Redirect that carries the credential's host away: the probe must not forward it.
        app.MapMethods("/away/Microsoft-Server-ActiveSync", new[] { "OPTIONS" },
            (HttpContext c) => Redirect(c, $"https://login.idp.test:{Port}/Microsoft-Server-ActiveSync"));
        Routes?.Invoke(app, this);

        await app.StartAsync();
        App = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
    }

    /// <summary>Extra routes (Autodiscover tests add theirs).</summary>
    public static Action<WebApplication, ExchangeFrontEnd>? Routes { get; set; }

    private static bool IsGoodBasic(HttpContext c)
    {
        var header = c.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }

        var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header.Substring(6)));
        return decoded == User + ":" + Password;
    }

    private static IResult Redirect(HttpContext c, string location)
    {
        c.Response.Headers.Location = location;
        return Results.StatusCode(302);
    }

    private static IResult Challenge(HttpContext c, params string[] schemes)
    {
        foreach (var s in schemes)
        {
            c.Response.Headers.Append("WWW-Authenticate", s);
        }

        return Results.StatusCode(401);
    }

    public async Task DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
        Pki.Dispose();
    }

    internal sealed class LoopbackResolver : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, AddressFamily? family, CancellationToken cancellationToken)
        {
            if (host.StartsWith("nxdomain", StringComparison.Ordinal))
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            return Task.FromResult(family == AddressFamily.InterNetworkV6 ? new[] { IPAddress.IPv6Loopback } : new[] { IPAddress.Loopback });
        }
    }
}
