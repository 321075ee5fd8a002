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
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>Kestrel Autodiscover front ends (HTTPS and plain HTTP) for several domains, told apart by Host.</summary>
public sealed class AutodiscoverServer : IAsyncLifetime
{
    public TestPki Pki { get; } = new();

    public WebApplication App { get; private set; } = null!;

    public int HttpsPort { get; private set; }

    public int HttpPort { get; private set; }

    public const string Password = "Adsc0ver-Secret-Pw!";

    public AutodiscoverRequest Request(params string[] addresses)
    {
        var r = new AutodiscoverRequest
        {
            TrustedRoot = Pki.Ca, Resolver = new ExchangeFrontEnd.LoopbackResolver(), HttpsPort = HttpsPort, HttpPort = HttpPort,
            Timeout = TimeSpan.FromSeconds(10),
        };
        foreach (var a in addresses)
        {
            r.EmailAddresses.Add(a);
        }

        return r;
    }

    private static string SettingsXml(string host) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">" +
        "<Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">" +
        "<User><DisplayName>Probe User</DisplayName><AutoDiscoverSMTPAddress>user@" + host + "</AutoDiscoverSMTPAddress></User>" +
        "<Account><AccountType>email</AccountType><Action>settings</Action>" +
        "<Protocol><Type>EXCH</Type><Server>mbx01." + host + "</Server><EwsUrl>https://mail." + host + "/EWS/Exchange.asmx</EwsUrl>" +
        "<ASUrl>https://mail." + host + "/Microsoft-Server-ActiveSync</ASUrl></Protocol>" +
        "<Protocol><Type>EXPR</Type><Server>mail." + host + "</Server><EwsUrl>https://mail." + host + "/EWS/Exchange.asmx</EwsUrl></Protocol>" +
        "</Account></Response></Autodiscover>";

    private static string RedirectAddrXml(string address) =>
        "<?xml version=\"1.0\"?><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">" +
        "<Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\"><Account>" +
        "<Action>redirectAddr</Action><RedirectAddr>" + address + "</RedirectAddr></Account></Response></Autodiscover>";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, name) => Pki.ForSni(name) }));
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.MapPost("/autodiscover/autodiscover.xml", async (HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body);
            var body = await reader.ReadToEndAsync();
            var host = c.Request.Host.Host;
            if (!c.Request.IsHttps)
            {
                return Results.StatusCode(405);
            }

            return host switch
            {
                "contoso.test" when body.Contains("<EMailAddress>user@contoso.test</EMailAddress>", StringComparison.Ordinal) =>
                    Results.Content(SettingsXml("contoso.test"), "text/xml"),
                "autodiscover.fabrikam.test" => Challenge(c),
                "autodiscover.outlook.test" => Results.Content(SettingsXml("outlook.test"), "text/xml"),
                "mail.adatum.test" => Results.Content(SettingsXml("adatum.test"), "text/xml"),
                "old.test" => Results.Content(RedirectAddrXml("user@contoso.test"), "text/xml"),
                _ => Results.NotFound(),
            };
        });
        app.MapGet("/autodiscover/autodiscover.xml", (HttpContext c) =>
        {
            if (!c.Request.IsHttps && c.Request.Host.Host == "autodiscover.northwind.test")
            {
                c.Response.Headers.Location = $"https://autodiscover.outlook.test:{HttpsPort}/autodiscover/autodiscover.xml";
                return Results.StatusCode(302);
            }

            return Results.NotFound();
        });
        app.MapGet("/autodiscover/autodiscover.json/v1.0/{address}", (HttpContext c, string address, string protocol) =>
            c.Request.Host.Host == "autodiscover.contoso.test"
                ? Results.Content($"{{\"Protocol\":\"{protocol}\",\"Url\":\"https://mail.contoso.test/{(protocol == "EWS" ? "EWS/Exchange.asmx" : "Microsoft-Server-ActiveSync")}\"}}", "application/json")
                : Results.NotFound());
        await app.StartAsync();
        App = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        HttpsPort = new Uri(addresses.Single(a => a.StartsWith("https:", StringComparison.Ordinal))).Port;
        HttpPort = new Uri(addresses.Single(a => a.StartsWith("http:", StringComparison.Ordinal))).Port;
    }

    private static IResult Challenge(HttpContext c)
    {
        c.Response.Headers.Append("WWW-Authenticate", "Negotiate");
        c.Response.Headers.Append("WWW-Authenticate", "NTLM");
        c.Response.Headers.Append("WWW-Authenticate", "Basic realm=\"autodiscover.fabrikam.test\"");
        return Results.StatusCode(401);
    }

    public async Task DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
        Pki.Dispose();
    }
}

public sealed class AutodiscoverProbeTests : IClassFixture<AutodiscoverServer>
{
    private readonly AutodiscoverServer _server;

    public AutodiscoverProbeTests(AutodiscoverServer server) => _server = server;

    private static AutodiscoverResult One(AutodiscoverRequest request)
    {
        var outcome = Assert.Single(AutodiscoverProbe.Test(request).ToList());
        Assert.Equal(OutcomeKind.Result, outcome.Kind);
        return outcome.Value!;
    }

    [Fact]
    public void Root_domain_post_returns_settings_and_v2_json_adds_urls()
    {
        var r = One(_server.Request("user@contoso.test"));
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("Settings", r.Outcome);
        Assert.Equal("1 RootDomain", r.Attempts[0].Step);
        Assert.Equal("POST", r.Attempts[0].Method);
        Assert.Equal(200, r.Attempts[0].StatusCode);
        Assert.Equal("https://mail.contoso.test/EWS/Exchange.asmx", r.EwsUrl);
        Assert.Equal("https://mail.contoso.test/Microsoft-Server-ActiveSync", r.ActiveSyncUrl);
        Assert.Contains(r.Settings, s => s.Protocol == "EXCH" && s.Name == "Server" && s.Value == "mbx01.contoso.test");
        Assert.Contains(r.Settings, s => s.Protocol == "User" && s.Name == "DisplayName");
        Assert.Contains(r.Settings, s => s.Protocol == "V2:EWS" && s.Value == "https://mail.contoso.test/EWS/Exchange.asmx");
        Assert.Contains(r.Attempts, a => a.Step == "5 V2Json ActiveSync" && a.Outcome == "Settings");
        Assert.True(r.Tls!.ChainValid);
        Assert.False(r.LeftDomain);
    }

    [Fact]
    public void Autodiscover_host_answering_401_is_found_with_schemes()
    {
        var r = One(_server.Request("user@fabrikam.test"));
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("AuthenticationRequired", r.Outcome);
        Assert.Equal(new[] { "1 RootDomain", "2 AutodiscoverHost" }, r.Attempts.Take(2).Select(a => a.Step));
        Assert.Equal("NotFound", r.Attempts[0].Outcome);
        Assert.Contains("Negotiate, NTLM, Basic", r.Summary);
    }

    [Fact]
    public void Credential_rejected_fails_and_is_never_echoed()
    {
        var request = _server.Request("user@fabrikam.test");
        request.Credential = new NetworkCredential("user@fabrikam.test", AutodiscoverServer.Password);
        var r = One(request);
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("AuthenticationFailed", r.Outcome);
        var text = System.Text.Json.JsonSerializer.Serialize(r) + r.Detail + r;
        Assert.DoesNotContain(AutodiscoverServer.Password, text);
    }

    [Fact]
    public void Http_redirect_step_off_domain_warns()
    {
        var r = One(_server.Request("user@northwind.test"));
        Assert.Equal(ProbeStatus.Warn, r.Status);
        Assert.Equal("Settings", r.Outcome);
        Assert.True(r.LeftDomain);
        var step3 = r.Attempts.First(a => a.Step == "3 HttpRedirect");
        Assert.Equal("GET", step3.Method);
        Assert.Equal(302, step3.StatusCode);
        Assert.StartsWith("https://autodiscover.outlook.test", step3.RedirectTo);
        Assert.Contains("outside northwind.test", r.Detail);
        Assert.Equal("https://mail.outlook.test/EWS/Exchange.asmx", r.EwsUrl);
    }

    [Fact]
    public void Srv_step_is_used_when_a_resolver_is_given()
    {
        var request = _server.Request("user@adatum.test");
        request.SrvResolver = new FixedSrv(new SrvTarget("mail.adatum.test", _server.HttpsPort));
        var r = One(request);
        Assert.Equal("Settings", r.Outcome);
        Assert.Contains(r.Attempts, a => a.Step == "4 Srv" && a.Outcome == "Found");
        Assert.Contains(r.Attempts, a => a.Step == "4 Srv → POST" && a.Outcome == "Settings");
    }

    [Fact]
    public void Nothing_found_fails_and_lists_every_attempt_srv_skipped_without_resolver()
    {
        var r = One(_server.Request("user@adatum.test"));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("NotFound", r.Outcome);
        Assert.Equal(new[] { "1 RootDomain", "2 AutodiscoverHost", "3 HttpRedirect", "4 Srv", "5 V2Json EWS", "5 V2Json ActiveSync" },
            r.Attempts.Select(a => a.Step));
        Assert.Equal("Skipped", r.Attempts[3].Outcome);
    }

    [Fact]
    public void RedirectAddr_restarts_with_the_new_address()
    {
        var r = One(_server.Request("user@old.test"));
        Assert.Equal("Settings", r.Outcome);
        Assert.Equal("user@contoso.test", r.Attempts[0].RedirectTo);
        Assert.True(r.LeftDomain);
        Assert.Equal(ProbeStatus.Warn, r.Status);
    }

    [Fact]
    public void Not_an_address_is_an_item_error()
    {
        var outcome = AutodiscoverProbe.Test(_server.Request("contoso.test")).Single();
        Assert.Equal(ErrorIds.EndpointTargetInvalid, outcome.Error!.ErrorId);
    }

    [Fact]
    public void Request_xml_follows_ms_oxdisco()
    {
        var xml = AutodiscoverProbe.RequestXml("a&b@contoso.test");
        Assert.Contains("<EMailAddress>a&amp;b@contoso.test</EMailAddress>", xml);
        Assert.Contains("responseschema/2006a", xml);
    }

    private sealed class FixedSrv(params SrvTarget[] targets) : ISrvResolver
    {
        public Task<SrvTarget[]> ResolveSrvAsync(string name, CancellationToken cancellationToken) => Task.FromResult(targets);
    }
}
