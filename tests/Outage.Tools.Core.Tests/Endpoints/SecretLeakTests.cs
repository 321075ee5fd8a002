using System.Net;
using System.Text;
using System.Text.Json;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Reporting;
using Xunit;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>
/// Probes run with a credential against an HTTPS server of ours (<see cref="SecretReflector"/>: 127.0.0.1, the test
/// CA) that reflects what it was sent — the password and the Basic token — into every place a probe records: status
/// line, Location, Server, X-FEServer, WWW-Authenticate, Retry-After, ActiveSync version headers, the body. Then every output is searched
/// for the secret: the result objects (ToString, JSON, every string property), a history file written from
/// them and the four report formats. Nothing may carry the password or the token.
/// </summary>
public sealed class SecretLeakTests : IDisposable
{
    private const string User = "probe@contoso.test";
    private static readonly string Password = "Leak-" + Guid.NewGuid().ToString("N");
    private static readonly string Token = Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password));

    private readonly TestPki _pki = new();
    private readonly SecretReflector _server;

    public SecretLeakTests() => _server = new SecretReflector(_pki.Valid, "mail.contoso.test");

    private int Port => _server.Port;

    private HttpEndpointRequest Request(string target)
    {
        var r = new HttpEndpointRequest
        {
            TrustedRoot = _pki.Ca,
            Resolver = new ExchangeFrontEnd.LoopbackResolver(),
            Timeout = TimeSpan.FromSeconds(10),
            Credential = new NetworkCredential(User, Password),
        };
        r.Targets.Add(target);
        return r;
    }

    /// <summary>Every string reachable from the object's public properties (lists and nested objects included).</summary>
    private static IEnumerable<string> Strings(object? o, int depth = 0)
    {
        if (o is null || depth > 6)
        {
            yield break;
        }

        if (o is string s)
        {
            yield return s;
            yield break;
        }

        if (o is System.Collections.IEnumerable list)
        {
            foreach (var item in list)
            {
                foreach (var x in Strings(item, depth + 1))
                {
                    yield return x;
                }
            }

            yield break;
        }

        if (o.GetType().IsPrimitive || o is DateTimeOffset || o is TimeSpan || o is Enum || o is System.Security.Cryptography.X509Certificates.X509Certificate)
        {
            yield break;
        }

        foreach (var p in o.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            foreach (var x in Strings(p.GetValue(o), depth + 1))
            {
                yield return x;
            }
        }
    }

    private static void AssertNoSecret(string where, string text)
    {
        Assert.False(text.Contains(Password, StringComparison.Ordinal), $"the password is in {where}");
        Assert.False(text.Contains(Token, StringComparison.Ordinal), $"the Basic token is in {where}");
        Assert.False(text.Contains(Uri.EscapeDataString(Token), StringComparison.Ordinal), $"the escaped token is in {where}");
    }

    [Fact]
    public void A_server_reflecting_the_credential_never_gets_it_into_results_history_or_reports()
    {
        var results = new List<HttpEndpointResult>
        {
            HttpEndpointProbe.TestOwa(Request($"https://mail.contoso.test:{Port}/owa/")).Single().Value!,
            HttpEndpointProbe.TestEws(Request($"mail.contoso.test:{Port}")).Single().Value!,
            HttpEndpointProbe.TestActiveSync(Request($"mail.contoso.test:{Port}")).Single().Value!,
        };

        // The credential was sent (so the server had it to reflect) and the probes classified the answers.
        Assert.Equal("LoginForm", results[0].Outcome);
        Assert.Equal(2, results[0].Hops.Count);
        Assert.Equal("AuthenticationFailed", results[1].Outcome);
        foreach (var r in results)
        {
            AssertNoSecret($"{r.Check} ToString", r.ToString()!);
            AssertNoSecret($"{r.Check} JSON", JsonSerializer.Serialize(r));
            foreach (var s in Strings(r))
            {
                AssertNoSecret($"{r.Check} property value '{s}'", s);
            }
        }

        // History and reports are written from check results; build them from everything the probes returned.
        var checks = results.Select(r => new OutageCheckResult(CheckArea.Endpoint, r.Target, r.Check, CheckStatus.Fail, r.Summary, r.Detail,
            Strings(r).ToList(), DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(r.TotalMs), "probe-host")).ToList();
        var dir = Directory.CreateTempSubdirectory("outage-secrets-").FullName;
        try
        {
            var history = new OutageHistory(Path.Combine(dir, "history.jsonl"));
            history.Append(checks);
            AssertNoSecret("the history file", File.ReadAllText(history.Path));
            foreach (var format in Enum.GetValues<ReportFormat>())
            {
                var path = Path.Combine(dir, "report." + format);
                ReportWriter.WriteFile(path, ReportWriter.Render(new OutageReport(checks), format), force: false);
                AssertNoSecret($"the {format} report", File.ReadAllText(path));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _pki.Dispose();
    }
}
