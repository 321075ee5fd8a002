using System.Text.RegularExpressions;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Reporting;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

/// <summary>
/// Attacker-controlled strings (a subject, a banner, a DNS TXT, a file name, a computer name from a results file)
/// land in the Markdown and Prometheus reports as the text they are: no new table row or cell, no link or HTML,
/// no terminal control sequence when the file is shown with cat, no bidi reordering, no sample line the
/// Prometheus parser rejects.
/// </summary>
public sealed class ReportInjectionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    private const string Esc = "\u001b]0;pwned\u0007\u001b[2J\u001b[31mred";
    private const string C1 = "\u009b2J\u009d0;title\u009c";
    private const string Bidi = "invoice\u202Egpj.exe";
    private const string RowBreak = "ok |\n| Pass | Dns | forged | row | x | y | z |\r\n";
    private const string Label = "a\"b\\c\nd}e,f=\"g";

    private static OutageReport Report(params OutageCheckResult[] results) => new(results, T0);

    private static OutageCheckResult Result(string text, double? value = null) =>
        new(CheckArea.Endpoint, text, "smtp-banner", CheckStatus.Fail, text, text, new[] { text }, T0, TimeSpan.FromMilliseconds(5), text, value, "s");

    [Theory]
    [InlineData(Esc)]
    [InlineData(C1)]
    [InlineData(Bidi)]
    public void Markdown_never_carries_terminal_or_bidi_controls(string hostile)
    {
        var md = ReportWriter.Markdown(Report(Result(hostile)));
        foreach (var c in md)
        {
            Assert.False(c < 0x20 && c != '\n', $"control U+{(int)c:X4} in the Markdown");
            Assert.False(ReportText.IsInvisibleControl(c), $"U+{(int)c:X4} in the Markdown");
        }
    }

    [Fact]
    public void Html_shows_bidi_and_c1_controls_as_replacement_characters()
    {
        var html = ReportWriter.Render(Report(Result(Bidi + C1 + Esc)), ReportFormat.Html);
        Assert.DoesNotContain('\u202E', html);
        Assert.DoesNotContain('\u009b', html);
        Assert.DoesNotContain('\u001b', html);
        Assert.Contains("invoice&#xFFFD;gpj", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newline_and_pipes_in_a_field_do_not_forge_a_markdown_row()
    {
        var md = ReportWriter.Markdown(Report(Result(RowBreak)));
        var rows = md.Split('\n').Where(l => l.StartsWith("| Fail |", StringComparison.Ordinal) || l.StartsWith("| Pass |", StringComparison.Ordinal)).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(8, Regex.Matches(row, @"(?<!\\)\|").Count);
    }

    [Fact]
    public void Markdown_autolinks_and_reference_links_are_not_formed()
    {
        var md = ReportWriter.Markdown(Report(Result("see https://evil.test/x and <http://evil.test> and www.evil.test [a]: http://evil.test")));
        Assert.DoesNotContain("https://", md, StringComparison.Ordinal);
        Assert.DoesNotContain("<http", md, StringComparison.Ordinal);
        Assert.DoesNotContain("www.evil", md, StringComparison.Ordinal);
        Assert.DoesNotContain("[a]:", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Prometheus_label_values_with_quotes_backslashes_and_newlines_round_trip()
    {
        var text = ReportWriter.Prometheus(Report(Result(Label)));
        var samples = PrometheusText.Parse(text);
        var status = samples.Single(s => s.Name == "outage_check_status");
        Assert.Equal(Label, status.Labels["target"]);
        Assert.Equal(Label, status.Labels["host"]);
        // One line per sample: the newline inside the value never ends the line.
        Assert.Equal(samples.Count, text.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#')));
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1e300, "1E+300")]
    public void Prometheus_values_out_of_the_ordinary_are_spelt_as_prometheus_reads_them(double value, string expected)
    {
        var text = ReportWriter.Prometheus(Report(Result("t", value)));
        var line = text.Split('\n').Single(l => l.StartsWith("outage_check_value{", StringComparison.Ordinal));
        Assert.EndsWith("} " + expected, line, StringComparison.Ordinal);
        // The exposition format's float grammar (Go ParseFloat plus the three specials).
        Assert.Matches(new Regex(@"^(NaN|[+-]Inf|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$"), expected);
    }
}
