using System.Diagnostics;
using System.Security;
using System.Text;
using System.Text.Json;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.ServiceHealth;
using Outage.Tools.Core.Tests.Endpoints;
using Xunit;

namespace Outage.Tools.Core.Tests.ServiceHealth;

/// <summary>The local identity platform + Graph stand-in, started once for the class.</summary>
public sealed class GraphFakeFixture : IAsyncLifetime
{
    public const string Secret = "Sup3r~Secret.Value_never-shown-0123456789";

    public TestPki Pki { get; } = new();

    public System.Security.Cryptography.X509Certificates.X509Certificate2 ClientCert { get; } = GraphFake.MakeClientCertificate();

    public GraphFake Fake { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The client blocks on its HTTP calls (sync enumerators over async I/O) while this in-process Kestrel needs
        // pool threads to answer: with parallel test classes the pool would otherwise grow one thread at a time.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        Fake = new GraphFake(Pki.Valid, Secret, ClientCert);
        await Fake.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Fake.DisposeAsync();
        ClientCert.Dispose();
        Pki.Dispose();
    }
}

/// <summary>
/// Service health against <see cref="GraphFake"/>: what is sent (form fields, assertion, headers, paths) as well
/// as what is parsed, paging, throttling, errors and secrecy.
/// </summary>
public sealed class ServiceHealthTests : IClassFixture<GraphFakeFixture>
{
    private readonly GraphFakeFixture _f;

    public ServiceHealthTests(GraphFakeFixture f) => _f = f;

    private GraphFake Fake => _f.Fake;

    private static SecureString Secure(string s)
    {
        var secure = new SecureString();
        foreach (var ch in s)
        {
            secure.AppendChar(ch);
        }

        return secure;
    }

    private T Connect<T>(T r, string mode = "ok", GraphCredential? credential = null) where T : ServiceHealthConnection
    {
        r.TenantId = GraphFake.TenantId;
        r.ClientId = GraphFake.ClientId;
        r.Credential = credential ?? new ClientSecretCredential(Secure(GraphFakeFixture.Secret));
        r.Authority = Fake.Authority;
        r.GraphEndpoint = Fake.Graph(mode);
        r.TrustedRoot = _f.Pki.Ca;
        r.Timeout = TimeSpan.FromSeconds(30);
        return r;
    }

    private GraphFake.SeenRequest[] Since(int mark) => Fake.Requests.Skip(mark).ToArray();

    private static List<T> Results<T>(IEnumerable<Outcome<T>> outcomes, List<string>? texts = null)
    {
        var list = new List<T>();
        foreach (var o in outcomes)
        {
            if (o.Kind == OutcomeKind.Result)
            {
                list.Add(o.Value!);
            }
            else
            {
                texts?.Add(o.Text!);
            }
        }

        return list;
    }

    private static OutageException Fails<T>(Func<IEnumerable<Outcome<T>>> run) =>
        Assert.Throws<OutageException>(() => Results(run()));

    [Fact]
    public void Health_with_a_secret_sends_the_documented_form_reads_both_pages_and_parses_status_without_case()
    {
        var mark = Fake.Requests.Count;
        var notes = new List<string>();
        var services = Results(ServiceHealthQuery.GetHealth(Connect(new ServiceHealthRequest()), default), notes);

        Assert.Equal(new[] { "Exchange", "OSDPPlatform", "microsoftteams", "SharePoint" }, services.Select(s => s.Id));
        Assert.Equal(new[] { "serviceInterruption", "serviceOperational", "serviceDegradation", "brandNewStatus" }, services.Select(s => s.Status));
        Assert.Equal(new[] { ServiceHealthSeverity.Fail, ServiceHealthSeverity.Ok, ServiceHealthSeverity.Warn, ServiceHealthSeverity.Warn }, services.Select(s => s.Severity));
        var exchange = services[0];
        Assert.Equal("Exchange Online", exchange.Service);
        Assert.Equal(1, exchange.OpenIssueCount); // the resolved EX100001 is not open
        Assert.Equal("EX123456 Users can't send or receive email", exchange.OpenIssues);
        Assert.Equal("incident", exchange.Issues[0].Classification);

        var sent = Since(mark);
        var token = Assert.Single(sent, r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Equal("POST", token.Method);
        Assert.Equal($"/{GraphFake.TenantId}/oauth2/v2.0/token", token.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", token.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(new[] { "client_id", "client_secret", "grant_type", "scope" }, token.Form.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(GraphFake.ClientId, token.Form["client_id"]);
        Assert.Equal($"https://127.0.0.1:{Fake.Port}/.default", token.Form["scope"]);
        Assert.Equal("client_credentials", token.Form["grant_type"]);
        Assert.Equal(GraphFakeFixture.Secret, token.Form["client_secret"]);
        Assert.Equal(200, token.Status);

        var graph = sent.Where(r => r.Path.Contains("/serviceAnnouncement/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, graph.Length);
        Assert.All(graph, g =>
        {
            Assert.Equal("/ok/v1.0/admin/serviceAnnouncement/healthOverviews", g.Path);
            Assert.StartsWith("Bearer eyJ0eXAiOiJKV1QifQ.fake-", g.Headers["Authorization"], StringComparison.Ordinal);
            Assert.Equal("application/json", g.Headers["Accept"]);
            Assert.Equal(200, g.Status);
        });
        Assert.Equal("?$expand=issues", Uri.UnescapeDataString(graph[0].Query));
        Assert.Equal("?$expand=issues&$skiptoken=1", Uri.UnescapeDataString(graph[1].Query));
        Assert.Contains(notes, n => n.StartsWith("Page 2: 2 item(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Issues_are_read_over_three_pages_with_posts_in_order_and_html_as_text()
    {
        var issues = Results(ServiceHealthQuery.GetIssues(Connect(new ServiceHealthIssueRequest()), default));
        Assert.Equal(new[] { "EX123456", "TM654321", "EX100001", "SP777777" }, issues.Select(i => i.Id));
        var ex = issues[0];
        Assert.Equal("Users can't send or receive email", ex.Title);
        Assert.Equal("incident", ex.Classification);
        Assert.Equal("serviceInterruption", ex.Status);
        Assert.Equal("microsoft", ex.Origin);
        Assert.Equal("E-Mail and calendar access", ex.FeatureGroup);
        Assert.False(ex.IsResolved);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 12, 0, TimeSpan.Zero), ex.StartDateTime);
        Assert.Null(ex.EndDateTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 40, 0, TimeSpan.Zero), ex.LastModifiedDateTime);
        Assert.Equal(2, ex.PostCount);
        Assert.Equal(new[] { "quick", "regular" }, ex.Posts.Select(p => p.PostType)); // oldest first
        Assert.Equal("We're looking into a problem.", ex.Posts[0].Text);
        Assert.Contains("User Impact: Users may be unable to send & receive email.", ex.LatestPost, StringComparison.Ordinal);
        Assert.Contains("\nCurrent status: We're investigating.", ex.LatestPost, StringComparison.Ordinal);
        Assert.Equal("unknownFutureValue", issues[3].Classification);
        Assert.Equal("thirdParty", issues[3].Origin);
        Assert.Equal("extendedRecovery", issues[3].Status);
        Assert.Equal("serviceRestored", issues[2].Status);
    }

    [Theory]
    [InlineData("active", "EX123456,TM654321,SP777777")]
    [InlineData("incident", "EX123456,EX100001")]
    [InlineData("advisory", "TM654321")]
    [InlineData("exchange", "EX123456,EX100001")]
    [InlineData("status", "EX123456")]
    [InlineData("since", "EX123456,TM654321,SP777777")]
    [InlineData("id", "TM654321")]
    [InlineData("active-exchange-incident", "EX123456")]
    public void Issue_filters(string filter, string expected)
    {
        var r = Connect(new ServiceHealthIssueRequest());
        switch (filter)
        {
            case "active": r.Active = true; break;
            case "incident": r.Classification.Add("Incident"); break;
            case "advisory": r.Classification.Add("advisory"); break;
            case "exchange": r.Services.Add("Exchange*"); break;
            case "status": r.Status.Add("SERVICEINTERRUPTION"); break;
            case "since": r.Since = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero); break;
            case "id": r.Ids.Add("TM*"); break;
            default: r.Active = true; r.Services.Add("Exchange Online"); r.Classification.Add("incident"); break;
        }

        Assert.Equal(expected, string.Join(",", Results(ServiceHealthQuery.GetIssues(r, default)).Select(i => i.Id)));
    }

    [Fact]
    public void Health_filters_by_service_id_or_name_and_by_status()
    {
        var r = Connect(new ServiceHealthRequest());
        r.Services.Add("exchange");
        r.Services.Add("Microsoft Teams");
        Assert.Equal(new[] { "Exchange", "microsoftteams" }, Results(ServiceHealthQuery.GetHealth(r, default)).Select(s => s.Id));
        var s = Connect(new ServiceHealthRequest());
        s.Status.Add("serviceoperational");
        Assert.Equal("OSDPPlatform", Assert.Single(Results(ServiceHealthQuery.GetHealth(s, default))).Id);
    }

    [Fact]
    public void Messages_are_read_over_two_pages()
    {
        var messages = Results(ServiceHealthQuery.GetMessages(Connect(new ServiceUpdateMessageRequest()), default));
        Assert.Equal(new[] { "MC172851", "MC100200" }, messages.Select(m => m.Id));
        Assert.Equal("planForChange", messages[0].Category);
        Assert.Equal("high", messages[0].Severity);
        Assert.True(messages[0].IsMajorChange);
        Assert.Equal("Admin impact, Retirement", messages[0].Tags);
        Assert.Equal("We will retire it.", messages[0].Text);
        Assert.Equal(new DateTimeOffset(2027, 1, 15, 0, 0, 0, TimeSpan.Zero), messages[0].ActionRequiredByDateTime);
    }

    [Fact]
    public void A_token_is_reused_from_the_cache_until_shortly_before_expiry()
    {
        var cache = new AccessTokenCache();
        var mark = Fake.Requests.Count;
        var a = Connect(new ServiceHealthRequest());
        a.TokenCache = cache;
        Results(ServiceHealthQuery.GetHealth(a, default));
        var b = Connect(new ServiceHealthIssueRequest());
        b.TokenCache = cache;
        var notes = new List<string>();
        Results(ServiceHealthQuery.GetIssues(b, default), notes);
        Assert.Single(Since(mark), r => r.Path.EndsWith("/token", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("Using the cached access token (ClientSecret)", StringComparison.Ordinal));
        Assert.Equal(1, cache.Count);

        // A token within the refresh margin of its expiry is not used again.
        cache.RefreshMargin = TimeSpan.FromHours(2);
        mark = Fake.Requests.Count;
        Results(ServiceHealthQuery.GetIssues(b, default));
        Assert.Single(Since(mark), r => r.Path.EndsWith("/token", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ClientAssertionAlgorithm.RS256)]
    [InlineData(ClientAssertionAlgorithm.PS256)]
    public void A_certificate_sends_a_signed_client_assertion_the_platform_accepts(ClientAssertionAlgorithm algorithm)
    {
        var mark = Fake.Requests.Count;
        var r = Connect(new ServiceHealthRequest(), credential: new ClientCertificateCredential(_f.ClientCert, algorithm));
        Assert.Equal(4, Results(ServiceHealthQuery.GetHealth(r, default)).Count);
        var token = Assert.Single(Since(mark), x => x.Path.EndsWith("/token", StringComparison.Ordinal));
        Assert.Equal(200, token.Status);
        Assert.Equal(new[] { "client_assertion", "client_assertion_type", "client_id", "grant_type", "scope" }, token.Form.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", token.Form["client_assertion_type"]);
        var parts = token.Form["client_assertion"].Split('.');
        using var header = JsonDocument.Parse(B64(parts[0]));
        using var claims = JsonDocument.Parse(B64(parts[1]));
        Assert.Equal(algorithm.ToString(), header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(B64Url(System.Security.Cryptography.SHA256.HashData(_f.ClientCert.RawData)), header.RootElement.GetProperty("x5t#S256").GetString());
        Assert.Equal(algorithm == ClientAssertionAlgorithm.RS256, header.RootElement.TryGetProperty("x5t", out var x5t));
        if (algorithm == ClientAssertionAlgorithm.RS256)
        {
            Assert.Equal(B64Url(System.Security.Cryptography.SHA1.HashData(_f.ClientCert.RawData)), x5t.GetString());
        }

        var c = claims.RootElement;
        Assert.Equal($"https://127.0.0.1:{Fake.Port}/{GraphFake.TenantId}/oauth2/v2.0/token", c.GetProperty("aud").GetString());
        Assert.Equal(GraphFake.ClientId, c.GetProperty("iss").GetString());
        Assert.Equal(GraphFake.ClientId, c.GetProperty("sub").GetString());
        Assert.True(Guid.TryParse(c.GetProperty("jti").GetString(), out _));
        Assert.Equal(300, c.GetProperty("exp").GetInt64() - c.GetProperty("nbf").GetInt64());
    }

    [Fact]
    public void An_assertion_signed_by_another_key_is_refused_with_the_platform_error()
    {
        using var other = GraphFake.MakeClientCertificate("CN=not-the-registered-one");
        var r = Connect(new ServiceHealthRequest(), credential: new ClientCertificateCredential(other));
        var ex = Fails(() => ServiceHealthQuery.GetHealth(r, default));
        Assert.Equal(ErrorIds.ServiceHealthAuthenticationFailed, ex.Error.ErrorId);
        Assert.Contains("AADSTS700027", ex.Message, StringComparison.Ordinal);
        Assert.Contains("trace_id 0a1b2c3d", ex.Message, StringComparison.Ordinal);
        Assert.Equal("x5t / x5t#S256 do not name the registered certificate", Fake.LastAssertionProblem);
    }

    [Fact]
    public void A_certificate_from_a_pfx_file_and_a_certificate_without_private_key()
    {
        var dir = Directory.CreateTempSubdirectory("outage-sh-");
        try
        {
            var pfx = Path.Combine(dir.FullName, "app.pfx");
            File.WriteAllBytes(pfx, _f.ClientCert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "pfx-pass"));
            var credential = ClientCertificateCredential.FromFile(pfx, Secure("pfx-pass"));
            Assert.Equal(_f.ClientCert.Thumbprint, credential.Certificate.Thumbprint);
            Assert.Equal(4, Results(ServiceHealthQuery.GetHealth(Connect(new ServiceHealthRequest(), credential: credential), default)).Count);

            var wrong = Assert.Throws<OutageException>(() => ClientCertificateCredential.FromFile(pfx, Secure("nope")));
            Assert.Equal(ErrorIds.ServiceHealthCredentialInvalid, wrong.Error.ErrorId);
            using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(_f.ClientCert.RawData);
            var nokey = Assert.Throws<OutageException>(() => new ClientCertificateCredential(publicOnly));
            Assert.Contains("has no private key", nokey.Message, StringComparison.Ordinal);
            var missing = Assert.Throws<OutageException>(() => ClientCertificateCredential.FromStore("00112233445566778899AABBCCDDEEFF00112233"));
            Assert.Contains("00112233445566778899AABBCCDDEEFF00112233", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void A_certificate_is_found_by_thumbprint_in_the_CurrentUser_personal_store()
    {
        using var cert = GraphFake.MakeClientCertificate("CN=outage-tools-store-test-" + Guid.NewGuid().ToString("N"));
        using var store = new System.Security.Cryptography.X509Certificates.X509Store(
            System.Security.Cryptography.X509Certificates.StoreName.My, System.Security.Cryptography.X509Certificates.StoreLocation.CurrentUser);
        store.Open(System.Security.Cryptography.X509Certificates.OpenFlags.ReadWrite);
        store.Add(cert);
        try
        {
            var credential = ClientCertificateCredential.FromStore(cert.Thumbprint.ToLowerInvariant());
            Assert.Equal(cert.Thumbprint, credential.Certificate.Thumbprint);
            Assert.True(credential.Certificate.HasPrivateKey);
            var previous = Fake.ClientCertificate;
            Fake.ClientCertificate = cert;
            try
            {
                Assert.Equal(4, Results(ServiceHealthQuery.GetHealth(Connect(new ServiceHealthRequest(), credential: credential), default)).Count);
            }
            finally
            {
                Fake.ClientCertificate = previous;
            }
        }
        finally
        {
            store.Remove(cert);
        }
    }

    [Fact]
    public void A_wrong_secret_is_an_authentication_error_that_never_shows_the_secret()
    {
        const string wrong = "Wr0ng~Secret_value-that-must-not-leak";
        var r = Connect(new ServiceHealthRequest(), credential: new ClientSecretCredential(Secure(wrong)));
        var texts = new List<string>();
        var ex = Assert.Throws<OutageException>(() => Results(ServiceHealthQuery.GetHealth(r, default), texts));
        Assert.Equal(ErrorIds.ServiceHealthAuthenticationFailed, ex.Error.ErrorId);
        Assert.Equal(OutageErrorCategory.AuthenticationError, ex.Error.Category);
        Assert.Contains("AADSTS7000215", ex.Message, StringComparison.Ordinal);
        Assert.Contains("client secret", ex.Error.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, string.Join("\n", texts), StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, r.Credential!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_secret_or_token_appears_in_any_result_note_or_string()
    {
        var texts = new List<string>();
        var all = new StringBuilder();
        foreach (var s in Results(ServiceHealthQuery.GetHealth(Connect(new ServiceHealthRequest()), default), texts))
        {
            all.AppendLine(s.ToString()).AppendLine(JsonSerializer.Serialize(s));
        }

        foreach (var i in Results(ServiceHealthQuery.GetIssues(Connect(new ServiceHealthIssueRequest()), default), texts))
        {
            all.AppendLine(JsonSerializer.Serialize(i));
        }

        all.AppendJoin("\n", texts);
        var text = all.ToString();
        Assert.Contains("Got an access token (ClientSecret)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(GraphFakeFixture.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-", text, StringComparison.Ordinal); // every issued token contains "fake-"
    }

    [Fact]
    public void A_429_with_Retry_After_is_waited_for_and_retried()
    {
        var mark = Fake.Requests.Count;
        var notes = new List<string>();
        var issues = Results(ServiceHealthQuery.GetIssues(Connect(new ServiceHealthIssueRequest(), "throttle"), default), notes);
        Assert.Equal(4, issues.Count);
        var first = Since(mark).Where(r => r.Path == "/throttle/v1.0/admin/serviceAnnouncement/issues").ToArray();
        Assert.Equal(new[] { 429, 200, 200, 200 }, first.Select(r => r.Status));
        Assert.True(first[1].At - first[0].At >= TimeSpan.FromSeconds(0.9), $"retried after {(first[1].At - first[0].At).TotalSeconds} s");
        Assert.Contains(notes, n => n.Contains("answered 429 Too Many Requests; waiting 1 s (Retry-After), retry 1 of 4", StringComparison.Ordinal));
    }

    [Fact]
    public void A_503_without_Retry_After_backs_off_and_retries()
    {
        var mark = Fake.Requests.Count;
        var notes = new List<string>();
        Assert.Equal(4, Results(ServiceHealthQuery.GetHealth(Connect(new ServiceHealthRequest(), "busy"), default), notes).Count);
        Assert.Equal(new[] { 503, 503, 200, 200 }, Since(mark).Where(r => r.Path.StartsWith("/busy/", StringComparison.Ordinal)).Select(r => r.Status));
        Assert.Contains(notes, n => n.Contains("waiting 2 s (no Retry-After, backing off), retry 2 of 4", StringComparison.Ordinal));
    }

    [Fact]
    public void A_Retry_After_longer_than_allowed_ends_at_once_and_retries_are_bounded()
    {
        var mark = Fake.Requests.Count;
        var watch = Stopwatch.StartNew();
        var ex = Fails(() => ServiceHealthQuery.GetIssues(Connect(new ServiceHealthIssueRequest(), "throttlelong"), default));
        Assert.Equal(ErrorIds.ServiceHealthThrottled, ex.Error.ErrorId);
        Assert.Contains("asks to wait 3600 s, longer than the 60 s allowed", ex.Message, StringComparison.Ordinal);
        Assert.Single(Since(mark), r => r.Path.StartsWith("/throttlelong/", StringComparison.Ordinal));

        var r = Connect(new ServiceHealthIssueRequest(), "throttlelong");
        r.MaxRetryWait = TimeSpan.FromHours(2);
        r.MaxRetries = 0;
        var none = Fails(() => ServiceHealthQuery.GetIssues(r, default));
        Assert.Contains("gave up after 0 retries", none.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("health")]
    [InlineData("messages")]
    public void A_403_names_the_permission_needed(string what)
    {
        var ex = what == "health"
            ? Fails(() => ServiceHealthQuery.GetHealth(Connect(new ServiceHealthRequest(), "forbidden"), default))
            : Fails(() => ServiceHealthQuery.GetMessages(Connect(new ServiceUpdateMessageRequest(), "forbidden"), default));
        Assert.Equal(ErrorIds.ServiceHealthForbidden, ex.Error.ErrorId);
        Assert.Equal(OutageErrorCategory.PermissionDenied, ex.Error.Category);
        var permission = what == "health" ? "ServiceHealth.Read.All" : "ServiceMessage.Read.All";
        Assert.Contains($"application permission {permission}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("request-id 3c1e6a2b", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_401_is_an_unauthorized_error()
    {
        var cache = new AccessTokenCache();
        var r = Connect(new ServiceHealthRequest(), "unauthorized");
        r.TokenCache = cache;
        var ex = Fails(() => ServiceHealthQuery.GetHealth(r, default));
        Assert.Equal(ErrorIds.ServiceHealthUnauthorized, ex.Error.ErrorId);
        Assert.Equal(0, cache.Count); // the refused token is not used again
        Assert.Contains("401 InvalidAuthenticationToken: Access token validation failure", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_an_invalid_response()
    {
        var ex = Fails(() => ServiceHealthQuery.GetIssues(Connect(new ServiceHealthIssueRequest(), "malformed"), default));
        Assert.Equal(ErrorIds.ServiceHealthInvalidResponse, ex.Error.ErrorId);
        Assert.Contains("malformed JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slow_answer_ends_with_a_timeout_error()
    {
        var r = Connect(new ServiceHealthRequest(), "slow");
        r.Timeout = TimeSpan.FromSeconds(1);
        var watch = Stopwatch.StartNew();
        var ex = Fails(() => ServiceHealthQuery.GetHealth(r, default));
        Assert.Equal(ErrorIds.ServiceHealthTimeout, ex.Error.ErrorId);
        Assert.Contains("within 1 s", ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void A_nextLink_to_another_host_or_back_to_a_read_page_is_not_followed()
    {
        var off = Fails(() => ServiceHealthQuery.GetIssues(Connect(new ServiceHealthIssueRequest(), "offhost"), default));
        Assert.Contains("does not point to https://127.0.0.1", off.Message, StringComparison.Ordinal);
        var loop = Fails(() => ServiceHealthQuery.GetIssues(Connect(new ServiceHealthIssueRequest(), "loop"), default));
        Assert.Contains("repeats a page already read", loop.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paging_stops_at_MaxPages_with_a_warning()
    {
        var r = Connect(new ServiceHealthIssueRequest());
        r.MaxPages = 2;
        var outcomes = ServiceHealthQuery.GetIssues(r, default).ToList();
        Assert.Equal(3, outcomes.Count(o => o.Kind == OutcomeKind.Result));
        Assert.Contains(outcomes, o => o.Kind == OutcomeKind.Warning && o.Text == "Stopped after 2 pages of issues; more are available (raise -MaxPages).");
    }

    [Fact]
    public void A_server_certificate_not_trusted_is_a_connection_error()
    {
        var r = Connect(new ServiceHealthRequest());
        r.TrustedRoot = null; // the test CA is not in the system store
        var ex = Fails(() => ServiceHealthQuery.GetHealth(r, default));
        Assert.Equal(ErrorIds.ServiceHealthConnectionFailed, ex.Error.ErrorId);
        Assert.Contains("the token endpoint https://127.0.0.1:", ex.Message, StringComparison.Ordinal);
    }

    private ManagedIdentityCredential Automation(string header) => new()
    {
        Environment = name => name switch
        {
            "IDENTITY_ENDPOINT" => Fake.IdentityEndpoint,
            "IDENTITY_HEADER" => header,
            _ => null,
        },
        ImdsEndpoint = new Uri("http://127.0.0.1:9/never-used"),
    };

    [Fact]
    public void Managed_identity_in_Azure_Automation_sends_the_identity_header()
    {
        var mark = Fake.Requests.Count;
        var r = Connect(new ServiceHealthRequest(), credential: Automation(GraphFake.ManagedIdentityHeader));
        r.TenantId = null;
        r.ClientId = null;
        Assert.Equal(4, Results(ServiceHealthQuery.GetHealth(r, default)).Count);
        var mi = Assert.Single(Since(mark), x => x.Path == "/msi/token");
        Assert.Equal("GET", mi.Method);
        Assert.Equal(GraphFake.ManagedIdentityHeader, mi.Headers["X-IDENTITY-HEADER"]);
        Assert.Equal("true", mi.Headers["Metadata"]);
        Assert.Equal($"?resource=https://127.0.0.1:{Fake.Port}/&api-version=2019-08-01", Uri.UnescapeDataString(mi.Query));
        Assert.Equal(200, mi.Status);
        Assert.DoesNotContain(Since(mark), x => x.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
    }

    [Fact]
    public void Managed_identity_with_a_wrong_header_is_refused_without_showing_it()
    {
        const string header = "wrong-header-value-do-not-show";
        var r = Connect(new ServiceHealthRequest(), credential: Automation(header));
        var ex = Fails(() => ServiceHealthQuery.GetHealth(r, default));
        Assert.Equal(ErrorIds.ServiceHealthAuthenticationFailed, ex.Error.ErrorId);
        Assert.Contains("No managed identity was found for Automation account", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(header, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Managed_identity_elsewhere_asks_IMDS_at_the_overridden_loopback_address()
    {
        var mark = Fake.Requests.Count;
        var credential = new ManagedIdentityCredential { Environment = _ => null, ImdsEndpoint = Fake.ImdsEndpoint, ClientId = "11111111-2222-4333-8444-555555555555" };
        Assert.Equal(4, Results(ServiceHealthQuery.GetHealth(Connect(new ServiceHealthRequest(), credential: credential), default)).Count);
        var imds = Assert.Single(Since(mark), x => x.Path == "/metadata/identity/oauth2/token");
        Assert.Equal("true", imds.Headers["Metadata"]);
        Assert.False(imds.Headers.ContainsKey("X-IDENTITY-HEADER"));
        Assert.Equal($"?api-version=2018-02-01&resource=https://127.0.0.1:{Fake.Port}/&client_id=11111111-2222-4333-8444-555555555555", Uri.UnescapeDataString(imds.Query));
        Assert.Equal(ManagedIdentityCredential.DefaultImdsEndpoint, new ManagedIdentityCredential().ImdsEndpoint);
    }

    [Theory]
    [InlineData("tenant", "not a tenant/../x", "is not a directory id")]
    [InlineData("client", "app-name", "is not a GUID")]
    [InlineData("authority", "http://login.example.test/", "is not an absolute https URL")]
    [InlineData("graph", "ftp://graph.example.test/", "is not an absolute https URL")]
    public void Unusable_settings_are_refused_before_anything_is_sent(string what, string value, string message)
    {
        var r = Connect(new ServiceHealthRequest());
        switch (what)
        {
            case "tenant": r.TenantId = value; break;
            case "client": r.ClientId = value; break;
            case "authority": r.Authority = new Uri(value); break;
            default: r.GraphEndpoint = new Uri(value); break;
        }

        var ex = Assert.Throws<OutageException>(() => ServiceHealthQuery.GetHealth(r, default));
        Assert.Equal(ErrorIds.InvalidArgument, ex.Error.ErrorId);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ServiceOperational", "serviceOperational", ServiceHealthSeverity.Ok)]
    [InlineData("SERVICEINTERRUPTION", "serviceInterruption", ServiceHealthSeverity.Fail)]
    [InlineData("servicedegradation", "serviceDegradation", ServiceHealthSeverity.Warn)]
    [InlineData("ExtendedRecovery", "extendedRecovery", ServiceHealthSeverity.Warn)]
    [InlineData("PostIncidentReviewPublished", "postIncidentReviewPublished", ServiceHealthSeverity.Ok)]
    [InlineData("somethingNew", "somethingNew", ServiceHealthSeverity.Warn)]
    public void Status_values_are_parsed_without_case_and_unknown_ones_kept(string raw, string normalized, ServiceHealthSeverity severity)
    {
        Assert.Equal(normalized, ServiceHealthStatusValues.Normalize(raw));
        Assert.Equal(severity, ServiceHealthStatusValues.SeverityOf(raw));
    }

    private static byte[] B64(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private static string B64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
