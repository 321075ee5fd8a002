using Xunit;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Tests.Endpoints;

public sealed class HttpEndpointProbeTests : IClassFixture<ExchangeFrontEnd>
{
    private readonly ExchangeFrontEnd _fe;

    public HttpEndpointProbeTests(ExchangeFrontEnd fe) => _fe = fe;

    private HttpEndpointResult Owa(string url, Action<HttpEndpointRequest>? configure = null)
    {
        var request = _fe.Request(url);
        configure?.Invoke(request);
        var outcome = Assert.Single(HttpEndpointProbe.TestOwa(request).ToList());
        Assert.Equal(OutcomeKind.Result, outcome.Kind);
        return outcome.Value!;
    }

    [Fact]
    public void Owa_follows_redirect_to_the_login_form_and_records_every_hop()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/owa/"));
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("LoginForm", r.Outcome);
        Assert.Equal(2, r.Hops.Count);
        Assert.Equal(302, r.Hops[0].StatusCode);
        Assert.EndsWith("/owa/auth/logon.aspx?replaceCurrent=1&url=%2fowa%2f", r.Hops[0].Location);
        Assert.Equal(200, r.StatusCode);
        Assert.Equal("15.2.1544.4", r.Headers["X-OWA-Version"]);
        Assert.Equal("FE01", r.Hops[0].Headers["X-FEServer"]);
        Assert.True(r.Hops[0].Headers.ContainsKey("request-id"));
        Assert.Equal("Kestrel", r.Hops[0].Headers["Server"]);

        // Phases all measured, in a sane order of magnitude.
        var t = r.Timings;
        Assert.NotNull(t.DnsLookupMs);
        Assert.NotNull(t.ConnectMs);
        Assert.NotNull(t.TlsHandshakeMs);
        Assert.NotNull(t.FirstByteMs);
        Assert.True(t.TotalMs >= t.ConnectMs + t.TlsHandshakeMs + t.FirstByteMs - 1);
        Assert.True(r.TotalMs >= t.TotalMs);

        // TLS facts.
        var tls = r.Tls!;
        Assert.True(tls.ChainValid, tls.Reason);
        Assert.True(tls.NameMatches);
        Assert.Null(tls.Reason);
        Assert.StartsWith("Tls1", tls.Protocol);
        Assert.Contains("mail.contoso.test", tls.SubjectAlternativeNames);
        Assert.Contains("127.0.0.1", tls.SubjectAlternativeNames);
        Assert.Equal("CN=Outage Test Root CA", tls.Issuer);
        Assert.Equal(2, tls.Chain.Count);
        Assert.InRange(tls.DaysUntilExpiry!.Value, 88, 90);
        Assert.False(r.CertificateCheckSkipped);
    }

    [Fact]
    public void Host_name_target_gets_https_and_the_default_path()
    {
        Assert.Equal("https://mail.contoso.test/owa/", HttpEndpointProbe.ToUri("mail.contoso.test", HttpEndpointProbe.Owa)!.AbsoluteUri);
        Assert.Equal("https://mail.contoso.test:8443/Microsoft-Server-ActiveSync",
            HttpEndpointProbe.ToUri("mail.contoso.test:8443", HttpEndpointProbe.ActiveSync)!.AbsoluteUri);
        Assert.Equal("https://mail.contoso.test/EWS/Exchange.asmx", HttpEndpointProbe.ToUri("mail.contoso.test", HttpEndpointProbe.Ews)!.AbsoluteUri);
        var r = Owa($"mail.contoso.test:{_fe.Port}");
        Assert.Equal("LoginForm", r.Outcome);
    }

    [Fact]
    public void Unusable_targets_are_item_errors_and_the_rest_still_run()
    {
        var request = _fe.Request("ftp://mail.contoso.test/", "not a host", _fe.Url("mail.contoso.test", "/owa/"));
        var outcomes = HttpEndpointProbe.TestOwa(request).ToList();
        Assert.Equal(3, outcomes.Count);
        Assert.Equal(ErrorIds.EndpointTargetInvalid, outcomes[0].Error!.ErrorId);
        Assert.Equal(ErrorIds.EndpointTargetInvalid, outcomes[1].Error!.ErrorId);
        Assert.Equal(ProbeStatus.Pass, outcomes[2].Value!.Status);
    }

    [Fact]
    public void Off_domain_redirect_to_identity_provider_is_classified_and_flagged()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/idp/owa/"));
        Assert.Equal("IdentityProviderRedirect", r.Outcome);
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.True(r.LeftDomain);
        Assert.Contains("login.idp.test", r.Detail);
        Assert.StartsWith($"https://login.idp.test:{_fe.Port}/adfs/ls/", r.FinalUrl);
    }

    [Fact]
    public void Redirect_chain_within_domain_is_followed_hop_by_hop()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/chain/1"));
        Assert.Equal(4, r.Hops.Count);
        Assert.Equal(new[] { 302, 302, 302, 200 }, r.Hops.Select(h => h.StatusCode));
        Assert.False(r.LeftDomain);
        Assert.Equal("LoginForm", r.Outcome);
        Assert.All(r.Hops, h => Assert.NotNull(h.Tls));
    }

    [Theory]
    [InlineData("/winauth/owa/", new[] { "Negotiate", "NTLM", "Basic" })]
    [InlineData("/bearer/owa/", new[] { "Bearer", "Basic" })]
    public void Challenge_401_reports_the_schemes(string path, string[] schemes)
    {
        var r = Owa(_fe.Url("mail.contoso.test", path));
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("AuthenticationRequired", r.Outcome);
        Assert.Equal(401, r.StatusCode);
        Assert.Equal(schemes, r.AuthSchemes);
    }

    [Fact]
    public void Server_error_500_fails()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/err500/owa/"));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("ServerError", r.Outcome);
        Assert.StartsWith("500", r.Summary);
    }

    [Fact]
    public void Unavailable_503_fails_with_retry_after()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/busy/owa/"));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("Unavailable", r.Outcome);
        Assert.Equal("120", r.RetryAfter);
        Assert.Contains("Retry-After: 120", r.Summary);
    }

    [Fact]
    public void Not_found_fails_naming_the_path()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/nothing/owa/"));
        Assert.Equal("NotFound", r.Outcome);
        Assert.Contains("/nothing/owa/", r.Summary);
    }

    [Fact]
    public void Page_without_form_or_challenge_warns()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/plain/"));
        Assert.Equal(ProbeStatus.Warn, r.Status);
        Assert.Equal("UnexpectedContent", r.Outcome);
    }

    [Theory]
    [InlineData("/single/owa/")]
    [InlineData("/bare/owa/")]
    [InlineData("/entity/owa/")]
    [InlineData("/bare/owa/auth/logon.aspx")]
    public void Sign_in_form_is_found_under_the_HTML_attribute_rules_or_by_the_final_url(string path)
    {
        var r = Owa(_fe.Url("mail.contoso.test", path));
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("LoginForm", r.Outcome);
    }

    [Fact]
    public void Password_text_in_a_script_or_in_page_text_is_not_a_sign_in_form()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/script/owa/"));
        Assert.Equal("UnexpectedContent", r.Outcome);
    }

    [Theory]
    [InlineData("/tofile/owa/", "file:///etc/passwd")]
    [InlineData("/tojs/owa/", "javascript:alert(1)")]
    public void Redirect_to_a_non_http_scheme_is_reported_as_such_not_as_too_many_redirects(string path, string location)
    {
        var r = Owa(_fe.Url("mail.contoso.test", path));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("RedirectRefused", r.Outcome);
        Assert.Contains(location, r.Summary, StringComparison.Ordinal);
        Assert.Single(r.Hops);
    }

    [Fact]
    public void Chunked_body_is_read()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/chunked/owa/"));
        Assert.Equal("LoginForm", r.Outcome);
    }

    [Fact]
    public void Redirect_loop_stops_at_the_limit()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/loop"), q => q.MaxRedirects = 5);
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("TooManyRedirects", r.Outcome);
        Assert.Equal(6, r.Hops.Count);
    }

    [Fact]
    public void Slow_first_byte_times_out_within_the_budget_naming_the_phase()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/slow/owa/"), q => q.Timeout = TimeSpan.FromSeconds(1));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("Timeout", r.Outcome);
        Assert.Equal("FirstByte", r.Hops[0].FailedPhase);
        Assert.Contains("first byte", r.Summary);
        Assert.NotNull(r.Tls);
    }

    [Fact]
    public void Connection_reset_by_server_fails_as_protocol_error()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/reset/owa/"));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("ProtocolError", r.Outcome);
        Assert.Equal("FirstByte", r.Hops[0].FailedPhase);
    }

    [Fact]
    public void Listener_that_never_answers_times_out_in_the_tls_handshake()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var r = Owa($"https://127.0.0.1:{port}/owa/", q => q.Timeout = TimeSpan.FromSeconds(1));
        Assert.Equal("Timeout", r.Outcome);
        Assert.Equal("TlsHandshake", r.Hops[0].FailedPhase);
        Assert.Equal(0, r.Timings.DnsLookupMs);
        Assert.NotNull(r.Timings.ConnectMs);
    }

    [Fact]
    public void Closed_port_fails_to_connect()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        var r = Owa($"https://127.0.0.1:{port}/owa/");
        Assert.Equal("ConnectFailed", r.Outcome);
        Assert.Contains("refused", r.Summary);
    }

    [Fact]
    public void Name_that_does_not_resolve_fails()
    {
        var r = Owa($"https://nxdomain.contoso.test:{_fe.Port}/owa/");
        Assert.Equal("NameNotResolved", r.Outcome);
        Assert.Equal("DnsLookup", r.Hops[0].FailedPhase);
    }

    [Theory]
    [InlineData("expired.contoso.test", "expired on")]
    [InlineData("future.contoso.test", "not valid before")]
    [InlineData("rogue.contoso.test", "chain")]
    public void Bad_chain_certificates_fail_with_the_reason(string host, string reason)
    {
        var r = Owa(_fe.Url(host, "/owa/"));
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("CertificateInvalid", r.Outcome);
        Assert.False(r.Tls!.ChainValid);
        Assert.True(r.Tls.NameMatches);
        Assert.Contains(reason, r.Tls.Reason);
        Assert.Single(r.Hops);
        Assert.Null(r.Hops[0].FirstByteOrNull());
    }

    [Fact]
    public void Wrong_name_fails_with_the_names_on_the_certificate()
    {
        var r = Owa(_fe.Url("wrongname.contoso.test", "/owa/"));
        Assert.Equal("CertificateInvalid", r.Outcome);
        Assert.True(r.Tls!.ChainValid);
        Assert.False(r.Tls.NameMatches);
        Assert.Contains("www.fabrikam.test", r.Tls.Reason);
    }

    [Fact]
    public void Without_the_private_root_the_test_ca_chain_is_untrusted()
    {
        var r = Owa(_fe.Url("mail.contoso.test", "/owa/"), q => q.TrustedRoot = null);
        Assert.Equal("CertificateInvalid", r.Outcome);
        Assert.False(r.Tls!.ChainValid);
    }

    [Fact]
    public void Skip_certificate_check_goes_on_but_warns_and_reports_it()
    {
        var r = Owa(_fe.Url("expired.contoso.test", "/owa/"), q => q.SkipCertificateCheck = true);
        Assert.Equal(ProbeStatus.Warn, r.Status);
        Assert.Equal("LoginForm", r.Outcome);
        Assert.True(r.CertificateCheckSkipped);
        Assert.True(r.Tls!.CertificateCheckSkipped);
        Assert.Contains("check skipped", r.Summary);
    }

    [Fact]
    public void Certificate_about_to_expire_warns()
    {
        var r = Owa(_fe.Url("soon.contoso.test", "/owa/"));
        Assert.Equal(ProbeStatus.Warn, r.Status);
        Assert.Contains("expires in", r.Summary);
    }

    [Fact]
    public void Ipv6_family_filter_without_address_fails_clearly()
    {
        var request = _fe.Request(_fe.Url("mail.contoso.test", "/owa/"));
        request.Resolver = new FixedResolver(IPAddress.Loopback);
        request.AddressFamily = ProbeAddressFamily.IPv6;
        var r = HttpEndpointProbe.TestOwa(request).Single().Value!;
        Assert.Equal("NameNotResolved", r.Outcome);
        Assert.Contains("IPv6", r.Summary);
    }

    [Fact]
    public void ActiveSync_unauthenticated_expects_401_with_schemes()
    {
        var r = HttpEndpointProbe.TestActiveSync(_fe.Request(_fe.Url("mail.contoso.test", "/Microsoft-Server-ActiveSync"))).Single().Value!;
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("AuthenticationRequired", r.Outcome);
        Assert.Equal("OPTIONS", r.Hops[0].Method);
        Assert.Equal(new[] { "Basic", "Negotiate" }, r.AuthSchemes);
    }

    [Fact]
    public void ActiveSync_with_credential_reports_versions_and_commands()
    {
        var request = _fe.Request($"mail.contoso.test:{_fe.Port}");
        request.Credential = new NetworkCredential(ExchangeFrontEnd.User, ExchangeFrontEnd.Password);
        var r = HttpEndpointProbe.TestActiveSync(request).Single().Value!;
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("Authenticated", r.Outcome);
        Assert.Contains("16.1", r.ProtocolVersions);
        Assert.Contains("FolderSync", r.ProtocolCommands);
    }

    [Fact]
    public void ActiveSync_with_wrong_password_fails_authentication()
    {
        var request = _fe.Request($"mail.contoso.test:{_fe.Port}");
        request.Credential = new NetworkCredential(ExchangeFrontEnd.User, "wrong-password-xyz");
        var r = HttpEndpointProbe.TestActiveSync(request).Single().Value!;
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("AuthenticationFailed", r.Outcome);
    }

    [Fact]
    public void Ews_unauthenticated_expects_401()
    {
        var r = HttpEndpointProbe.TestEws(_fe.Request($"mail.contoso.test:{_fe.Port}")).Single().Value!;
        Assert.Equal("AuthenticationRequired", r.Outcome);
        Assert.Equal(new[] { "Negotiate", "NTLM" }, r.AuthSchemes);
    }

    [Fact]
    public void Ews_with_credential_sends_soap_and_reports_the_answer()
    {
        var request = _fe.Request($"mail.contoso.test:{_fe.Port}");
        request.Credential = new NetworkCredential(ExchangeFrontEnd.User, ExchangeFrontEnd.Password);
        var r = HttpEndpointProbe.TestEws(request).Single().Value!;
        Assert.Equal(ProbeStatus.Pass, r.Status);
        Assert.Equal("Authenticated", r.Outcome);
        Assert.Equal("NoError", r.SoapResponse);
        Assert.Equal("POST", r.Hops[0].Method);
    }

    [Fact]
    public void Ews_soap_fault_is_reported()
    {
        var request = _fe.Request(_fe.Url("mail.contoso.test", "/fault/EWS/Exchange.asmx"));
        request.Credential = new NetworkCredential(ExchangeFrontEnd.User, ExchangeFrontEnd.Password);
        var r = HttpEndpointProbe.TestEws(request).Single().Value!;
        Assert.Equal(ProbeStatus.Fail, r.Status);
        Assert.Equal("SoapFault", r.Outcome);
        Assert.Equal("The request failed schema validation.", r.SoapResponse);
    }

    [Fact]
    public void Credential_is_never_echoed_nor_forwarded_to_another_host()
    {
        var request = _fe.Request(_fe.Url("mail.contoso.test", "/away/Microsoft-Server-ActiveSync"),
            _fe.Url("mail.contoso.test", "/Microsoft-Server-ActiveSync"), $"http://127.0.0.1:1/Microsoft-Server-ActiveSync");
        request.Credential = new NetworkCredential(ExchangeFrontEnd.User, ExchangeFrontEnd.Password);
        var outcomes = HttpEndpointProbe.TestActiveSync(request).ToList();
        var text = string.Join("\n", outcomes.Select(o => o.ToString() + JsonSerializer.Serialize(o.Value) + o.Error?.FullMessage));
        Assert.DoesNotContain(ExchangeFrontEnd.Password, text);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ExchangeFrontEnd.User + ":" + ExchangeFrontEnd.Password)), text);
        Assert.DoesNotContain("login.idp.test", _fe.AuthorizationSeenBy);
        Assert.Contains("Credential not sent", outcomes[0].Value!.Detail);
        Assert.Contains("not over TLS", outcomes[2].Value!.Detail);
    }

    [Fact]
    public void Many_targets_run_in_parallel_and_keep_input_order()
    {
        var urls = Enumerable.Range(0, 40).Select(i => _fe.Url("mail.contoso.test", i % 2 == 0 ? "/owa/" : "/err500/owa/")).ToArray();
        var request = _fe.Request(urls);
        request.ThrottleLimit = 16;
        var results = HttpEndpointProbe.TestOwa(request).Select(o => o.Value!).ToList();
        Assert.Equal(40, results.Count);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(urls[i], results[i].Target);
            Assert.Equal(i % 2 == 0 ? ProbeStatus.Pass : ProbeStatus.Fail, results[i].Status);
        }
    }

    private sealed class FixedResolver(params IPAddress[] addresses) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, AddressFamily? family, CancellationToken cancellationToken) =>
            Task.FromResult(family is null ? addresses : addresses.Where(a => a.AddressFamily == family).ToArray());
    }
}

internal static class HopExtensions
{
    public static double? FirstByteOrNull(this HttpHop hop) => hop.Timings.FirstByteMs;
}
