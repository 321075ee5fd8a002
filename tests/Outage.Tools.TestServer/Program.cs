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

// Usage: Outage.Tools.TestServer CA_PEM_PATH
// Prints "https://127.0.0.1:PORT" on the first line once listening; runs until stdin closes.
var caPath = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "outage-test-ca.pem");
using var pki = new TestPki();
File.WriteAllText(caPath, pki.CaPem());
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
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
Console.WriteLine(address);
Console.Out.Flush();
await Console.In.ReadToEndAsync();
await app.StopAsync();
