using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Checks.Providers;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Reporting;
using Outage.Tools.Core.Serialization;
using Outage.Tools.Core.ServiceHealth;
using Xunit;

namespace Outage.Tools.Core.Tests.ServiceHealth;

/// <summary>The Microsoft365 entry of the outage check, against the Graph stand-in, and its grading rules.</summary>
public sealed class ServiceHealthCheckTests : IClassFixture<GraphFakeFixture>, IDisposable
{
    private readonly GraphFakeFixture _f;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("outage-sh-check-");
    private readonly string _variable = "OUTAGE_TEST_SECRET_" + Guid.NewGuid().ToString("N");

    public ServiceHealthCheckTests(GraphFakeFixture f)
    {
        _f = f;
        File.WriteAllText(Path.Combine(_dir.FullName, "ca.pem"), f.Pki.CaPem());
        Environment.SetEnvironmentVariable(_variable, GraphFakeFixture.Secret);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        _dir.Delete(true);
    }

    private OutageCheckConfiguration Config(string mode = "ok", string services = "'Exchange Online', 'Microsoft 365 suite', 'microsoftteams', 'SharePoint*', 'Yammer'", string? variable = null) =>
        OutageCheckConfiguration.FromTable(Psd1.Parse($$"""
            @{
                TrustedRootCertificate = 'ca.pem'
                Microsoft365 = @{
                    TenantId = '{{GraphFake.TenantId}}'
                    ClientId = '{{GraphFake.ClientId}}'
                    ClientSecretVariable = '{{variable ?? _variable}}'
                    Authority = '{{_f.Fake.Authority}}'
                    GraphEndpoint = '{{_f.Fake.Graph(mode)}}'
                    Services = {{services}}
                    TimeoutSeconds = 30
                }
            }
            """), _dir.FullName);

    private static List<OutageCheckResult> Run(OutageCheckConfiguration config) =>
        OutageCheckRunner.Run(new OutageCheckRequest(config, OutageCheckProviders.Default()), null, default)
            .Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();

    [Fact]
    public void Each_watched_service_gets_a_service_health_result_naming_open_issues()
    {
        var results = Run(Config());
        Assert.All(results, r => Assert.Equal(CheckArea.ServiceHealth, r.Area));
        Assert.All(results, r => Assert.Equal("service-health", r.Check));
        Assert.Equal("Exchange Online=Fail Microsoft 365 suite=Pass Microsoft Teams=Warn SharePoint Online=Warn Yammer=Warn",
            string.Join(" ", results.Select(r => $"{r.Target}={r.Status}")));
        var exo = results[0];
        Assert.Equal("Exchange Online reports incident EX123456 since 2026-11-28 09:12 UTC: Users can't send or receive email", exo.Summary);
        Assert.Contains("this is the provider's outage", exo.Detail, StringComparison.Ordinal);
        Assert.Contains(exo.Evidence, e => e.StartsWith("EX123456 incident serviceInterruption since 2026-11-28 09:12 UTC", StringComparison.Ordinal));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 12, 0, TimeSpan.Zero), exo.Since);
        Assert.Equal(1, exo.Value);
        Assert.Equal("Microsoft Teams reports advisory TM654321 since 2026-11-28 07:00 UTC: Some users see delayed chat messages", results[2].Summary);
        Assert.Equal("SharePoint Online: brandNewStatus, no open issue.", results[3].Summary);
        Assert.Contains("not among the 4 services", results[4].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_shows_the_service_health_tile_and_the_issue()
    {
        var report = new OutageReport(Run(Config(services: "'Exchange Online'")));
        var html = HtmlReport.Render(report);
        Assert.Matches(new System.Text.RegularExpressions.Regex("id=\"tile-servicehealth\"[^>]*>.*?<p class=\"status\">Fail</p>", System.Text.RegularExpressions.RegexOptions.Singleline), html);
        Assert.Contains("EX123456", html, StringComparison.Ordinal);
        Assert.Contains("| ServiceHealth | Fail |", ReportWriter.Markdown(report), StringComparison.Ordinal);
        Assert.DoesNotContain(GraphFakeFixture.Secret, html + ReportWriter.Json(report), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_permission_or_a_missing_secret_is_an_Error_result_that_says_what_to_do()
    {
        var forbidden = Assert.Single(Run(Config("forbidden")));
        Assert.Equal(CheckStatus.Error, forbidden.Status);
        Assert.Contains("ServiceHealth.Read.All", forbidden.Summary, StringComparison.Ordinal);
        var missing = Assert.Single(Run(Config(variable: "OUTAGE_TEST_UNSET_" + Guid.NewGuid().ToString("N"))));
        Assert.Equal(CheckStatus.Error, missing.Status);
        Assert.Contains("holds no client secret", missing.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_history_line_of_a_service_health_result_reads_back()
    {
        var history = Path.Combine(_dir.FullName, "history.jsonl");
        var config = Config(services: "'Exchange Online'");
        config.HistoryPath = history;
        Run(config);
        var back = new OutageHistory(history).Read().ToList();
        Assert.Equal(CheckArea.ServiceHealth, Assert.Single(back).Area);
    }

    [Theory]
    [InlineData("Secret = 'x'", "a secret does not belong in a configuration file")]
    [InlineData("ClientSecret = 'x'", "a secret does not belong in a configuration file")]
    [InlineData("Tenant = 'x'", "unknown key 'Microsoft365.Tenant'")]
    [InlineData("ManagedIdentity = 'yes'", "ManagedIdentity must be $true or $false")]
    [InlineData("GraphEndpoint = 'graph'", "is not an absolute URL")]
    public void Bad_Microsoft365_entries_are_refused_naming_the_key(string entry, string message)
    {
        var ex = Assert.Throws<FormatException>(() => OutageCheckConfiguration.FromTable(Psd1.Parse("@{ Microsoft365 = @{ " + entry + " } }"), _dir.FullName));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configuration_with_only_Microsoft365_is_not_empty_and_defaults_to_the_mail_services()
    {
        var config = OutageCheckConfiguration.FromTable(Psd1.Parse("@{ Microsoft365 = @{ ManagedIdentity = $true } }"), _dir.FullName);
        Assert.False(config.IsEmpty);
        Assert.Equal(new[] { "Exchange Online", "Microsoft 365 suite" }, config.Microsoft365!.Services);
        Assert.True(config.Microsoft365.ManagedIdentity);
    }

    private static ServiceHealthOverview Service(string status, params (string Class, string Status)[] issues) => new()
    {
        Id = "Exchange", Service = "Exchange Online", Status = status, Severity = ServiceHealthStatusValues.SeverityOf(status),
        Issues = issues.Select((i, n) => new ServiceHealthIssue
        {
            Id = "EX" + n, Title = "t" + n, Classification = i.Class, Status = i.Status, Severity = ServiceHealthStatusValues.SeverityOf(i.Status),
            StartDateTime = new DateTimeOffset(2026, 11, 28, 9, n, 0, TimeSpan.Zero), ImpactDescription = "Delays.",
        }).ToList(),
    };

    [Theory]
    [InlineData("serviceOperational", "", "", CheckStatus.Pass)]
    [InlineData("serviceInterruption", "", "", CheckStatus.Fail)]
    [InlineData("serviceOperational", "incident", "serviceInterruption", CheckStatus.Fail)]
    [InlineData("serviceDegradation", "", "", CheckStatus.Warn)]
    [InlineData("extendedRecovery", "incident", "extendedRecovery", CheckStatus.Warn)]
    [InlineData("serviceOperational", "advisory", "serviceDegradation", CheckStatus.Warn)]
    [InlineData("serviceOperational", "advisory", "investigating", CheckStatus.Warn)]
    [InlineData("serviceRestored", "", "", CheckStatus.Pass)]
    public void Grading_rules(string status, string issueClass, string issueStatus, CheckStatus expected)
    {
        var s = issueClass.Length == 0 ? Service(status) : Service(status, (issueClass, issueStatus));
        Assert.Equal(expected, ServiceHealthCheckProvider.Grade(s).Status);
    }
}
