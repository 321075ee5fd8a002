using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Outage.Tools.Core.Tests.Endpoints;
using Outage.Tools.Core.Tests.ServiceHealth;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>The Graph stand-in over HTTPS, its test CA written as a PEM file for SSL_CERT_FILE.</summary>
public sealed class CliGraphFixture : IAsyncLifetime
{
    public const string Secret = "Cli~Secret_value.never-in-output-42";

    public TestPki Pki { get; } = new();

    public X509Certificate2 ClientCert { get; } = GraphFake.MakeClientCertificate();

    public GraphFake Fake { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("outage-cli-health-").FullName;

    public string CaFile => Path.Combine(Folder, "ca.pem");

    public string Pfx => Path.Combine(Folder, "app.pfx");

    public async Task InitializeAsync()
    {
        File.WriteAllText(CaFile, Pki.CaPem());
        File.WriteAllBytes(Pfx, ClientCert.Export(X509ContentType.Pkcs12, "pfx-pass"));
        Fake = new GraphFake(Pki.Valid, Secret, ClientCert);
        await Fake.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Fake.DisposeAsync();
        ClientCert.Dispose();
        Pki.Dispose();
        Directory.Delete(Folder, true);
    }
}

/// <summary>
/// `outage health` end to end: the real binary, HTTPS to the local identity platform / Graph stand-in whose CA
/// is trusted the platform's usual way on Linux (SSL_CERT_FILE), the secret only in OUTAGE_CLIENT_SECRET.
/// </summary>
public sealed class CliHealthTests : IClassFixture<CliGraphFixture>
{
    private readonly CliGraphFixture _f;

    public CliHealthTests(CliGraphFixture f) => _f = f;

    private CliProcess.Result Run(Dictionary<string, string?> env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add(Repo.CliAssembly);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var name in new[] { "OUTAGE_CLIENT_SECRET", "OUTAGE_CERTIFICATE_PASSWORD", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "SSL_CERT_FILE", "SSL_CERT_DIR" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("outage health did not finish within 120 s.");
        }

        process.WaitForExit();
        return new CliProcess.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private string[] Args(string sub, string mode, params string[] more) =>
        new[] { "health", sub, "--tenant", GraphFake.TenantId, "--client-id", GraphFake.ClientId, "--authority", _f.Fake.Authority.AbsoluteUri,
            "--graph", _f.Fake.Graph(mode).AbsoluteUri, "--timeout", "10" }.Concat(more).ToArray();

    private Dictionary<string, string?> Trusted(string? secret = CliGraphFixture.Secret) => new()
    {
        ["SSL_CERT_FILE"] = _f.CaFile, ["SSL_CERT_DIR"] = _f.Folder, ["OUTAGE_CLIENT_SECRET"] = secret,
    };

    [Fact]
    public void Health_m365_json_over_https_trusted_by_SSL_CERT_FILE_exits_1_on_an_interruption()
    {
        var r = Run(Trusted(), Args("m365", "ok", "--format", "json"));
        Assert.True(r.ExitCode == 1, r.Stdout + r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("Exchange", first.RootElement.GetProperty("id").GetString());
        Assert.Equal("serviceInterruption", first.RootElement.GetProperty("status").GetString());
        Assert.Equal("Fail", first.RootElement.GetProperty("severity").GetString());
        Assert.Equal("EX123456 Users can't send or receive email", first.RootElement.GetProperty("openIssues").GetString());
        Assert.DoesNotContain(CliGraphFixture.Secret, r.Stdout + r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-", r.Stdout + r.Stderr, StringComparison.Ordinal);
        var token = _f.Fake.Requests.Last(x => x.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Equal(CliGraphFixture.Secret, token.Form["client_secret"]);
    }

    [Fact]
    public void Health_issues_table_with_filters()
    {
        var r = Run(Trusted(), Args("issues", "ok", "--active", "--classification", "incident"));
        Assert.True(r.ExitCode == 1, r.Stdout + r.Stderr);
        Assert.Matches(@"EX123456\s+Exchange Online\s+incident\s+serviceInterruption\s+2026-11-28 09:12\s+Users can't send", r.Stdout);
        Assert.DoesNotContain("EX100001", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("TM654321", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_CA_in_SSL_CERT_FILE_the_certificate_is_not_trusted()
    {
        var env = Trusted();
        env.Remove("SSL_CERT_FILE");
        env.Remove("SSL_CERT_DIR");
        var r = Run(env, Args("m365", "ok"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error[ServiceHealthConnectionFailed]", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_OUTAGE_CLIENT_SECRET_it_says_where_the_secret_goes()
    {
        var r = Run(Trusted(secret: null), Args("m365", "ok"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error[InvalidArgument]: No credential: set the environment variable OUTAGE_CLIENT_SECRET", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_secret_and_a_403_are_errors_without_the_secret()
    {
        const string wrong = "Wrong~cli-secret-never-shown";
        var r = Run(Trusted(wrong), Args("m365", "ok"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error[ServiceHealthAuthenticationFailed]", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("AADSTS7000215", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, r.Stdout + r.Stderr, StringComparison.Ordinal);
        var f = Run(Trusted(), Args("messages", "forbidden"));
        Assert.Equal(2, f.ExitCode);
        Assert.Contains("error[ServiceHealthForbidden]", f.Stderr, StringComparison.Ordinal);
        Assert.Contains("ServiceMessage.Read.All", f.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pfx_certificate_with_its_password_from_the_environment()
    {
        var env = Trusted(secret: null);
        env["OUTAGE_CERTIFICATE_PASSWORD"] = "pfx-pass";
        var r = Run(env, Args("m365", "ok", "--certificate", _f.Pfx, "--assertion-algorithm", "PS256", "--format", "json"));
        Assert.True(r.ExitCode == 1, r.Stdout + r.Stderr);
        Assert.Equal(4, r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var token = _f.Fake.Requests.Last(x => x.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.False(token.Form.ContainsKey("client_secret"));
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", token.Form["client_assertion_type"]);
    }

    [Fact]
    public void Managed_identity_from_the_Automation_environment()
    {
        var env = Trusted(secret: null);
        env["IDENTITY_ENDPOINT"] = _f.Fake.IdentityEndpoint;
        env["IDENTITY_HEADER"] = GraphFake.ManagedIdentityHeader;
        var r = Run(env, "health", "m365", "--managed-identity", "--graph", _f.Fake.Graph("ok").AbsoluteUri, "--service", "Microsoft 365 suite", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("\"id\":\"OSDPPlatform\"", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(GraphFake.ManagedIdentityHeader, r.Stdout + r.Stderr, StringComparison.Ordinal);
    }
}
