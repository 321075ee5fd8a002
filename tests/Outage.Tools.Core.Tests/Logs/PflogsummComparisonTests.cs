using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Logs;

/// <summary>
/// Measure-MailLog's counts on a log written by a real Postfix equal pflogsumm 1.1.5's (Debian package pflogsumm),
/// section by section: grand totals, per-hour traffic, per-domain deliveries, deferral and bounce reasons.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PflogsummComparisonTests : IClassFixture<PostfixLogFixture>
{
    private readonly PostfixLogFixture _log;

    public PflogsummComparisonTests(PostfixLogFixture log) => _log = log;

    private List<MailLogSummaryRow> Ours(params MailLogGroupBy[] groups)
    {
        var request = new MailLogRequest();
        request.Inputs.Add(MailLogInput.FromPath(_log.LogPath));
        var options = new MailLogSummaryOptions();
        foreach (var g in groups)
        {
            options.GroupBy.Add(g);
        }

        var outcomes = MailLogSummary.Run(MailLog.Read(request), options).ToList();
        Assert.DoesNotContain(outcomes, o => o.Kind is OutcomeKind.Error or OutcomeKind.Warning);
        return outcomes.Select(o => o.Value!).ToList();
    }

    private string Pflogsumm()
    {
        Assert.True(File.Exists("/usr/sbin/pflogsumm"), "pflogsumm is not installed: apt-get install pflogsumm (tests/peers/apt-packages.txt)");
        var psi = new ProcessStartInfo("/usr/sbin/pflogsumm") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--verbose-msg-detail");
        psi.ArgumentList.Add(_log.LogPath);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    private static long Total(string report, string label)
    {
        var m = Regex.Match(report, @"^\s*(\d+)\s+" + Regex.Escape(label) + @"\b", RegexOptions.Multiline);
        Assert.True(m.Success, $"pflogsumm has no '{label}' total:\n{report}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string Section(string report, string title)
    {
        var match = Regex.Match(report, "^" + Regex.Escape(title) + " *$", RegexOptions.Multiline);
        Assert.True(match.Success, $"pflogsumm has no '{title}' section:\n{report}");
        var at = match.Index;
        var start = report.IndexOf('\n', report.IndexOf('\n', at) + 1) + 1; // skip the title and its underline
        var end = report.IndexOf("\n\n", start, StringComparison.Ordinal);
        return end < 0 ? report.Substring(start) : report.Substring(start, end - start);
    }

    [Fact]
    public void Grand_totals_equal_pflogsumm()
    {
        var report = Pflogsumm();
        var total = Assert.Single(Ours(MailLogGroupBy.Total));
        Assert.Equal(Total(report, "received"), total.Received);
        Assert.Equal(Total(report, "delivered"), total.Delivered);
        Assert.Equal(Total(report, "forwarded"), total.Forwarded);
        Assert.Equal(Total(report, "deferred"), total.Deferred);
        Assert.Equal(Total(report, "bounced"), total.Bounced);
        Assert.Equal(Total(report, "rejected"), total.Rejected);
        var deferrals = Regex.Match(report, @"\((\d+)\s+deferrals\)");
        Assert.True(deferrals.Success, report);
        Assert.Equal(long.Parse(deferrals.Groups[1].Value, CultureInfo.InvariantCulture), total.Deferrals);
        // And what really happened, so the comparison cannot pass on two empty summaries.
        Assert.Equal(PostfixLogFixture.Delivered, total.Delivered);
        Assert.Equal(PostfixLogFixture.Bounced, total.Bounced);
        Assert.Equal(PostfixLogFixture.Rejected, total.Rejected);
        Assert.Equal(PostfixLogFixture.Delivered + PostfixLogFixture.Bounced + PostfixLogFixture.Deferred, total.Received);
        Assert.True(total.Deferrals >= PostfixLogFixture.Deferred + PostfixLogFixture.Bounced);
    }

    [Fact]
    public void Per_hour_traffic_equals_pflogsumm()
    {
        var report = Pflogsumm();
        var ours = Ours(MailLogGroupBy.Hour);
        // pflogsumm: "0500-0600   received delivered deferred bounced rejected" (one day: the counts of that hour).
        var rows = Regex.Matches(Section(report, "Per-Hour Traffic Summary"), @"^\s*(\d\d)00-\d{4}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", RegexOptions.Multiline);
        Assert.Equal(24, rows.Count);
        foreach (Match row in rows)
        {
            var hour = int.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture);
            var mine = ours.Where(r => DateTime.ParseExact(r.Key, "yyyy-MM-dd HH:00", CultureInfo.InvariantCulture).Hour == hour).ToList();
            long Sum(Func<MailLogSummaryRow, long> f) => mine.Sum(f);
            Assert.Equal(long.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture), Sum(r => r.Received));
            Assert.Equal(long.Parse(row.Groups[3].Value, CultureInfo.InvariantCulture), Sum(r => r.Delivered));
            Assert.Equal(long.Parse(row.Groups[4].Value, CultureInfo.InvariantCulture), Sum(r => r.Deferrals));
            Assert.Equal(long.Parse(row.Groups[5].Value, CultureInfo.InvariantCulture), Sum(r => r.Bounced));
            Assert.Equal(long.Parse(row.Groups[6].Value, CultureInfo.InvariantCulture), Sum(r => r.Rejected));
        }
    }

    [Fact]
    public void Per_domain_deliveries_equal_pflogsumm()
    {
        var report = Pflogsumm();
        var ours = Ours(MailLogGroupBy.RecipientDomain).ToDictionary(r => r.Key);
        // " sent cnt  bytes   defers   avg dly max dly host/domain"
        var rows = Regex.Matches(Section(report, "Host/Domain Summary: Message Delivery"),
            @"^\s*(\d+)\s+(\d+[kmg]?)\s+(\d+)\s+([\d.]+) ([smhd])\s+([\d.]+) ([smhd])\s+(\S+)\s*$", RegexOptions.Multiline);
        Assert.True(rows.Count >= 2, report);
        foreach (Match row in rows)
        {
            var domain = row.Groups[8].Value;
            Assert.True(ours.TryGetValue(domain, out var mine), $"no row for {domain}");
            Assert.Equal(long.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture), mine!.Delivered);
            Assert.Equal(long.Parse(row.Groups[3].Value, CultureInfo.InvariantCulture), mine.Deferrals);
            // printf "%5.1f" of the seconds (minutes above 60 s, hours above 3600 s), as pflogsumm prints them.
            Assert.Equal(row.Groups[6].Value + " " + row.Groups[7].Value, Printed(mine.MaximumDelay));
            Assert.Equal(row.Groups[4].Value + " " + row.Groups[5].Value, Printed(mine.AverageDelay ?? TimeSpan.Zero));
        }

        Assert.Equal(rows.Count, ours.Values.Count(r => r.Delivered + r.Deferrals > 0));
    }

    private static string Printed(TimeSpan? delay)
    {
        var s = delay?.TotalSeconds ?? 0;
        return s > 3600 ? (s / 3600).ToString("F1", CultureInfo.InvariantCulture) + " h"
            : s > 60 ? (s / 60).ToString("F1", CultureInfo.InvariantCulture) + " m"
            : s.ToString("F1", CultureInfo.InvariantCulture) + " s";
    }

    [Fact]
    public void Deferral_and_bounce_reasons_equal_pflogsumm()
    {
        var report = Pflogsumm();
        var ours = Ours(MailLogGroupBy.Reason);
        foreach (var (title, status) in new[] { ("message deferral detail", MailLogStatus.Deferred), ("message bounce detail (by relay)", MailLogStatus.Bounced) })
        {
            // "  smtp (total: 5)" then "         5   reason" (with --verbose-msg-detail the reason is not shortened).
            var section = Section(report, title);
            var theirs = Regex.Matches(section, @"^\s{6,}(\d+)\s+(.+?)\s*$", RegexOptions.Multiline)
                .GroupBy(m => m.Groups[2].Value).ToDictionary(g => g.Key, g => g.Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
            // pflogsumm keeps a deferral reason up to its first ')', a bounce reason up to its last.
            var mine = ours.Where(r => r.Status == status)
                .GroupBy(r => status == MailLogStatus.Deferred && r.Key.IndexOf(')', StringComparison.Ordinal) >= 0 ? r.Key.Substring(0, r.Key.IndexOf(')', StringComparison.Ordinal)) : r.Key)
                .ToDictionary(g => g.Key, g => g.Sum(r => r.Count));
            Assert.NotEmpty(mine);
            Assert.Equal(theirs.OrderBy(p => p.Key, StringComparer.Ordinal), mine.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }
}
