using System.Text.Json;
using Outage.Tools.Tests.Dns;
using Xunit;

namespace Outage.Tools.Module.Tests;

/// <summary>`outage dns …` end to end against the real BIND instances of <see cref="BindFixture"/>.</summary>
[Collection(BindCollection.Name)]
public sealed class CliDnsTests
{
    private readonly BindFixture _bind;

    public CliDnsTests(BindFixture bind) => _bind = bind;

    [Fact]
    public void Resolve_prints_json_lines_with_typed_fields()
    {
        var r = CliProcess.Run("dns", "resolve", "example.test", "MX", "--server", _bind.Ns1, "--format", "json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var prefs = lines.Select(l => JsonDocument.Parse(l).RootElement).Select(e =>
        {
            Assert.Equal("MX", e.GetProperty("type").GetString());
            Assert.Equal(_bind.Ns1, e.GetProperty("server").GetString());
            Assert.Equal("Answer", e.GetProperty("section").GetString());
            return e.GetProperty("preference").GetInt32();
        }).OrderBy(p => p);
        Assert.Equal(new[] { 10, 20 }, prefs);
    }

    [Fact]
    public void Resolve_nxdomain_is_an_error_on_stderr_with_exit_code_2()
    {
        var r = CliProcess.Run("dns", "resolve", "nope.example.test", "A", "--server", _bind.Ns1);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error[DnsNameNotFound]", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout.Trim());
    }

    [Fact]
    public void Resolve_raw_shows_the_tcp_fallback()
    {
        var r = CliProcess.Run("dns", "resolve", "big.example.test", "TXT", "--server", _bind.Ns1, "--raw", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var e = JsonDocument.Parse(r.Stdout.Trim()).RootElement;
        Assert.Equal("Tcp", e.GetProperty("transport").GetString());
        Assert.True(e.GetProperty("truncatedOverUdp").GetBoolean());
        Assert.Equal("NoError", e.GetProperty("responseCode").GetString());
    }

    [Fact]
    public void Resolve_reads_questions_from_a_file_in_order()
    {
        var file = Path.Combine(_bind.Work, "questions.txt");
        File.WriteAllLines(file, new[] { "# comment", "mail.example.test A", "example.test SOA", "www.example.test" });
        var r = CliProcess.Run("dns", "resolve", "--input", file, "--server", _bind.Ns1, "--format", "json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var types = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        // www is a CNAME: its A and AAAA answers start with the CNAME record.
        Assert.Equal(new[] { "A", "SOA", "CNAME", "A", "CNAME", "AAAA" }, types);
    }

    [Fact]
    public void Bad_server_is_a_usage_error()
    {
        var r = CliProcess.Run("dns", "resolve", "example.test", "--server", "127.0.0.1:99999");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error[DnsInvalidServer]", r.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>`outage dns mail` end to end.</summary>
[Collection(BindCollection.Name)]
public sealed class CliDnsMailTests
{
    private readonly BindFixture _bind;

    public CliDnsMailTests(BindFixture bind) => _bind = bind;

    [Fact]
    public void Mail_good_domain_exits_0_and_bad_domain_exits_1()
    {
        var good = CliProcess.Run("dns", "mail", "good.mail.test", "--server", _bind.Ns1, "--dkim-selector", "sel1", "--format", "json");
        Assert.True(good.ExitCode == 0, good.Stdout + good.Stderr);
        var first = JsonDocument.Parse(good.Stdout.Split('\n')[0]).RootElement;
        Assert.Equal(new[] { "check", "detail", "duration", "evidence", "reference", "status", "summary", "target" },
            first.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        var bad = CliProcess.Run("dns", "mail", "bad.mail.test", "--server", _bind.Ns1);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("spf-all", bad.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>`outage dns consistency` and `outage dns compare` end to end.</summary>
[Collection(BindCollection.Name)]
public sealed class CliDnsCompareTests
{
    private readonly BindFixture _bind;

    public CliDnsCompareTests(BindFixture bind) => _bind = bind;

    [Fact]
    public void Consistency_reports_the_serial_difference_with_exit_code_1()
    {
        var r = CliProcess.Run("dns", "consistency", "example.test", "--nameserver", _bind.Ns1, "--nameserver", _bind.Ns2, "--format", "json");
        Assert.True(r.ExitCode == 1, r.Stdout + r.Stderr);
        var serial = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("check").GetString() == "soa-serial-consistent");
        Assert.Equal("Fail", serial.GetProperty("status").GetString());
    }

    [Fact]
    public void Compare_prints_one_row_with_each_answer()
    {
        var same = CliProcess.Run("dns", "compare", "mail.example.test", "A", "--server", _bind.Ns1, "--server", _bind.Ns2, "--format", "json");
        Assert.True(same.ExitCode == 0, same.Stdout + same.Stderr);
        var row = JsonDocument.Parse(same.Stdout.Trim()).RootElement;
        Assert.True(row.GetProperty("consistent").GetBoolean());
        Assert.Equal(2, row.GetProperty("answers").GetArrayLength());
        var differ = CliProcess.Run("dns", "compare", "changed.example.test", "--server", _bind.Ns1, "--server", _bind.Ns2);
        Assert.Equal(1, differ.ExitCode);
        Assert.Contains("127.0.0.8", differ.Stdout, StringComparison.Ordinal);
        Assert.Contains("127.0.0.9", differ.Stdout, StringComparison.Ordinal);
    }
}
