using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outage.Tools.Core.Tests.Endpoints;
using Outage.Tools.Core.Tests.ServiceHealth;

// Usage: Outage.Tools.TestServer CA_PEM_PATH   (OWA, ActiveSync OPTIONS and Autodiscover POST of an Exchange front end)
//        Outage.Tools.TestServer CA_PEM_PATH graph PFX_PATH   (Microsoft Graph / identity platform stand-in, GraphFake)
//        Outage.Tools.TestServer CA_PEM_PATH reflect          (SecretReflector: reflects a probe's credential everywhere)
// Prints "https://127.0.0.1:PORT" on the first line once listening (graph: "https://127.0.0.1:PORT http://127.0.0.1:PORT",
// the HTTPS authority/Graph and the plain-HTTP managed identity endpoints); runs until stdin closes. In graph mode
// the client secret is read from OUTAGE_TEST_CLIENT_SECRET and the app certificate is written to PFX_PATH with the
// password OUTAGE_TEST_PFX_PASSWORD.
var caPath = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "outage-test-ca.pem");
using var pki = new TestPki();
File.WriteAllText(caPath, pki.CaPem());
if (args.Length > 2 && args[1] == "graph")
{
    using var clientCert = GraphFake.MakeClientCertificate();
    File.WriteAllBytes(args[2], clientCert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12,
        Environment.GetEnvironmentVariable("OUTAGE_TEST_PFX_PASSWORD")));
    await using var fake = new GraphFake(pki.Valid, Environment.GetEnvironmentVariable("OUTAGE_TEST_CLIENT_SECRET") ?? "test-secret", clientCert);
    await fake.StartAsync();
    Console.WriteLine($"https://127.0.0.1:{fake.Port} http://127.0.0.1:{fake.HttpPort}");
    Console.Out.Flush();
    await Console.In.ReadToEndAsync();
    return;
}

if (args.Length > 1 && args[1] == "reflect")
{
    // The credential reflector of SecretLeakTests; its redirect names 127.0.0.1 (no resolver override in pwsh).
    using var reflector = new SecretReflector(pki.Valid, "127.0.0.1");
    Console.WriteLine($"https://127.0.0.1:{reflector.Port}");
    Console.Out.Flush();
    await Console.In.ReadToEndAsync();
    return;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(new HttpsConnectionAdapterOptions
{
    ServerCertificateSelector = (_, name) => pki.ForSni(name),
})));
var app = builder.Build();
app.MapGet("/owa/", (HttpContext c) =>
{
    c.Response.Headers.Location = "/owa/auth/logon.aspx?url=%2fowa%2f";
    return Results.StatusCode(302);
});
app.MapGet("/owa/auth/logon.aspx", () => Results.Content(
    "<html><body><form method=\"POST\"><input name=\"username\"/><input type=\"password\" name=\"password\"/></form></body></html>",
    "text/html; charset=utf-8"));
// ActiveSync and Autodiscover as an Exchange front end answers them without a credential: 401 with its schemes.
app.MapMethods("/Microsoft-Server-ActiveSync", new[] { "OPTIONS" }, (HttpContext c) => Challenge(c));
app.MapPost("/autodiscover/autodiscover.xml", (HttpContext c) => Challenge(c));
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
Console.WriteLine(address);
Console.Out.Flush();
await Console.In.ReadToEndAsync();
await app.StopAsync();

static IResult Challenge(HttpContext c)
{
    c.Response.Headers.Append("WWW-Authenticate", "Negotiate");
    c.Response.Headers.Append("WWW-Authenticate", "Basic realm=\"mail.contoso.test\"");
    return Results.StatusCode(401);
}
