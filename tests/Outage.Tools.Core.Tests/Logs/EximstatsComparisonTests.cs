using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Logs;

/// <summary>
/// Measure-MailLog's counts on a main log written by a real private Exim (delivering, bouncing, deferring, rejecting:
/// <see cref="EximRelayFixture"/>) equal eximstats' (Debian exim4-base, unpacked beside Postfix by
/// tests/peers/install.d/queue-exim.sh, run with perl), section by section: grand totals, messages received and
/// deliveries per hour, rejection reasons and the list of errors. Where eximstats counts something else the
/// difference is asserted, not hidden: it counts "Connection refused" lines as rejections (its rejection pattern
/// matches "refused"), and deliveries per hour are messages (=> lines) where ours are addresses (=> and ->).
/// </summary>
[Collection(EximRelayCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EximstatsComparisonTests
{
    public const string Eximstats = "/opt/outage-peers/exim/root/usr/sbin/eximstats";

    private readonly EximRelayFixture _f;

    public EximstatsComparisonTests(EximRelayFixture f) => _f = f;

    private List<MailLogEvent> Events()
    {
        var request = new MailLogRequest();
        request.Inputs.Add(MailLogInput.FromPath(_f.LogPath));
        var outcomes = MailLog.Read(request).ToList();
        Assert.DoesNotContain(outcomes, o => o.Kind is OutcomeKind.Error or OutcomeKind.Warning);
        return outcomes.Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();
    }

    private List<MailLogSummaryRow> Ours(MailLogGroupBy group)
    {
        var request = new MailLogRequest();
        request.Inputs.Add(MailLogInput.FromPath(_f.LogPath));
        var options = new MailLogSummaryOptions();
        options.GroupBy.Add(group);
        var outcomes = MailLogSummary.Run(MailLog.Read(request), options).ToList();
        Assert.DoesNotContain(outcomes, o => o.Kind is OutcomeKind.Error or OutcomeKind.Warning);
        return outcomes.Select(o => o.Value!).ToList();
    }

    private string Report()
    {
        Assert.True(File.Exists(Eximstats), $"eximstats is not unpacked at {Eximstats}: run 'bash tests/peers/install.sh' as root (install.d/queue-exim.sh unpacks exim4-base).");
        var psi = new ProcessStartInfo("/usr/bin/perl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Eximstats);
        psi.ArgumentList.Add(_f.LogPath);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        Assert.True(p.ExitCode == 0, $"eximstats failed ({p.ExitCode}): {error.Result}");
        return output;
    }

    private static string Section(string report, string title)
    {
        var match = Regex.Match(report, "^" + Regex.Escape(title) + " *$", RegexOptions.Multiline);
        Assert.True(match.Success, $"eximstats has no '{title}' section:\n{report}");
        var start = report.IndexOf('\n', report.IndexOf('\n', match.Index) + 1) + 1; // the title and its underline
        var end = Regex.Match(report.Substring(start), @"\n\n(?=\S)");
        return end.Success ? report.Substring(start, end.Index) : report.Substring(start);
    }

    private static long N(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Grand_totals_equal_eximstats()
    {
        var report = Report();
        var total = Assert.Single(Ours(MailLogGroupBy.Total));
        // "  Received   3980   11   2   3 27.3%   2 18.2%" and "  Delivered   2354   6   7   1" and "  Rejects   10   1"
        var received = Regex.Match(report, @"^\s+Received\s+(\d+)\s+(\d+)\s+\d+\s+(\d+)\s+[\d.]+%\s+(\d+)\s+[\d.]+%", RegexOptions.Multiline);
        var delivered = Regex.Match(report, @"^\s+Delivered\s+(\d+)\s+(\d+)\s+(\d+)", RegexOptions.Multiline);
        var rejects = Regex.Match(report, @"^\s+Rejects\s+(\d+)", RegexOptions.Multiline);
        Assert.True(received.Success && delivered.Success && rejects.Success, report);
        Assert.Equal(N(received.Groups[2].Value), total.Received);
        Assert.Equal(N(received.Groups[1].Value), total.BytesReceived);
        Assert.Equal(N(delivered.Groups[3].Value), total.Delivered); // addresses: ours counts one delivery per address
        // Failed: messages with at least one bounced address; every bounced message here has one address.
        Assert.Equal(N(received.Groups[4].Value), total.Bounced);
        // Delayed: received messages with a deferral. Ours counts every deferred message, also the bounce notices
        // whose arrival the log lacks (a child exim with -C loses privilege and logs to stderr): those are added.
        var events = Events();
        var arrived = events.Where(e => e.Status == MailLogStatus.Received).Select(e => e.QueueId).ToHashSet();
        var deferredWithoutArrival = events.Where(e => e.Status == MailLogStatus.Deferred && !arrived.Contains(e.QueueId)).Select(e => e.QueueId).Distinct().Count();
        Assert.Equal(N(received.Groups[3].Value) + deferredWithoutArrival, total.Deferred);
        // Rejects: ours are the refused RCPTs; eximstats adds every line with "refused" in it ("Connection refused").
        var connectionRefused = File.ReadLines(_f.LogPath).Count(l => l.EndsWith("Connection refused", StringComparison.Ordinal) && !l.Contains(" == ", StringComparison.Ordinal));
        Assert.Equal(N(rejects.Groups[1].Value), total.Rejected + connectionRefused);

        // And what really happened, so the comparison cannot pass on two empty summaries.
        Assert.Equal(EximRelayFixture.Delivered + 1 + EximRelayFixture.Relayed, total.Delivered);
        Assert.Equal(EximRelayFixture.Bounced, total.Bounced);
        Assert.Equal(EximRelayFixture.Rejected, total.Rejected);
        Assert.Equal(EximRelayFixture.Delivered + EximRelayFixture.Bounced + EximRelayFixture.Deferred + EximRelayFixture.Relayed, total.Received);
        Assert.Equal(EximRelayFixture.Deferred + EximRelayFixture.Bounced, total.Deferred);
        Assert.True(total.Deferrals > total.Deferred, "the second queue run deferred the same messages again");
    }

    [Fact]
    public void Per_hour_traffic_equals_eximstats()
    {
        var report = Report();
        var hours = Ours(MailLogGroupBy.Hour);
        var additional = Events().Where(e => e.Action == "->").GroupBy(e => e.Time.Hour).ToDictionary(g => g.Key, g => (long)g.Count());
        foreach (var (title, pick) in new (string, Func<MailLogSummaryRow, long>)[]
                 {
                     ("Messages received per hour (each dot is 1 message)", r => r.Received),
                     ("Deliveries per hour (each dot is 1 delivery)", r => r.Delivered),
                 })
        {
            var rows = Regex.Matches(Section(report, title), @"^(\d\d)-\d\d\s+(\d+)", RegexOptions.Multiline);
            Assert.True(rows.Count >= 1, report);
            foreach (Match row in rows)
            {
                var hour = int.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture);
                var mine = hours.Where(r => DateTime.ParseExact(r.Key, "yyyy-MM-dd HH:00", CultureInfo.InvariantCulture).Hour == hour).Sum(pick);
                if (title.StartsWith("Deliveries", StringComparison.Ordinal))
                {
                    mine -= additional.GetValueOrDefault(hour); // eximstats counts => lines (messages), ours addresses
                }

                Assert.Equal(N(row.Groups[2].Value), mine);
            }

            Assert.True(rows.Cast<Match>().Sum(m => N(m.Groups[2].Value)) > 0, title);
        }
    }

    [Fact]
    public void Rejection_reasons_and_errors_equal_eximstats()
    {
        var report = Report();
        var reasons = Ours(MailLogGroupBy.Reason);
        // "         2   Rejected RCPT: no mail for this domain here" (and "8   Unknown": the "Connection refused" lines).
        var rejections = Regex.Matches(Section(report, "Top 50 mail rejection reasons by message count"), @"^\s+(\d+)\s+Rejected RCPT: (.+?)\s*$", RegexOptions.Multiline);
        var mine = reasons.Where(r => r.Status == MailLogStatus.Rejected).ToDictionary(r => r.Key, r => r.Count);
        Assert.NotEmpty(mine);
        Assert.Equal(rejections.Cast<Match>().ToDictionary(m => m.Groups[2].Value, m => N(m.Groups[1].Value)), mine);

        // "List of errors": "    1 addr R=... T=...: SMTP error ... DT=0s" wrapped over indented lines; ours is the reason after the host.
        var errors = Regex.Matches(Section(report, "List of errors"), @"^\s{4}(\d+) (.+?)(?=\n\n|\n\s{4}\d+ |\z)", RegexOptions.Multiline | RegexOptions.Singleline)
            .Select(m => (Count: N(m.Groups[1].Value), Text: Regex.Replace(m.Groups[2].Value, @"\s*\n\s+", " "))).ToList();
        var bounced = reasons.Where(r => r.Status == MailLogStatus.Bounced).ToList();
        Assert.Equal(EximRelayFixture.Bounced, errors.Count);
        Assert.Equal(errors.Count, bounced.Count);
        foreach (var row in bounced)
        {
            var theirs = Assert.Single(errors, e => e.Text.Contains(": " + row.Key, StringComparison.Ordinal));
            Assert.Equal(theirs.Count, row.Count);
        }
    }
}
