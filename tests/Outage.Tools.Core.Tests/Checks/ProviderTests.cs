using System.Reflection;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Checks.Providers;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

/// <summary>The queue and MIME checks on the shipped sample outage (a real Postfix capture and real messages).</summary>
public sealed class ProviderTests
{
    private static readonly string Root = typeof(ProviderTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepoRoot").Value!;

    private static List<OutageCheckResult> Run(OutageCheckConfiguration c, params IOutageCheckProvider[] providers) =>
        OutageCheckRunner.Run(new OutageCheckRequest(c, providers), null, CancellationToken.None)
            .Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();

    [Fact]
    public void Queue_checks_grade_size_age_and_growth_of_the_snapshots()
    {
        var c = OutageCheckConfiguration.Load(Path.Combine(Root, "samples", "outage-check.psd1"));
        var results = Run(c, new QueueCheckProvider());
        var size = results.Single(r => r.Check == "queue-size");
        Assert.Equal(CheckStatus.Warn, size.Status);
        Assert.Equal(201, size.Value);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 23, 57, 56, TimeSpan.Zero), size.Timestamp);
        // "delivery temporarily suspended: X" counts as X, and every count says its unit.
        Assert.DoesNotContain(size.Evidence, e => e.Contains("delivery temporarily suspended", StringComparison.Ordinal));
        Assert.Contains(size.Evidence, e => e.StartsWith("reason: connect to ", StringComparison.Ordinal) && e.EndsWith(" messages)", StringComparison.Ordinal));
        Assert.Contains(size.Evidence, e => e.StartsWith("destination: ", StringComparison.Ordinal) && e.EndsWith(" recipients)", StringComparison.Ordinal));
        Assert.StartsWith("201 queued, growing +6.7/min (", size.Summary, StringComparison.Ordinal);
        Assert.Contains(size.Evidence, e => e.StartsWith("destination: ", StringComparison.Ordinal));
        var growth = results.Single(r => r.Check == "queue-growth");
        Assert.Equal(CheckStatus.Warn, growth.Status);
        Assert.Equal(6.7, growth.Value);
        Assert.Equal(CheckStatus.Warn, results.Single(r => r.Check == "queue-oldest").Status);

        // The same queue with thresholds above it passes; far below it fails.
        c.Thresholds.Apply(new Dictionary<string, object?> { ["QueueWarn"] = 500, ["QueueFail"] = 5000 });
        Assert.Equal(CheckStatus.Pass, Run(c, new QueueCheckProvider()).Single(r => r.Check == "queue-size").Status);
        c.Thresholds.Apply(new Dictionary<string, object?> { ["QueueWarn"] = 10, ["QueueFail"] = 100 });
        Assert.Equal(CheckStatus.Fail, Run(c, new QueueCheckProvider()).Single(r => r.Check == "queue-size").Status);
    }

    [Fact]
    public void A_missing_queue_snapshot_is_an_Error_result_not_a_crash()
    {
        var c = new OutageCheckConfiguration();
        c.Queues.Add(new QueueSourceSpec { Kind = "postqueue-json", Path = "/nonexistent/postqueue-*.jsonl" });
        var r = Assert.Single(Run(c, new QueueCheckProvider()));
        Assert.Equal(CheckStatus.Error, r.Status);
        Assert.Contains("/nonexistent/postqueue-*.jsonl", r.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Mime_check_names_each_poison_message_with_rule_and_offset()
    {
        var c = new OutageCheckConfiguration();
        c.MessagePaths.Add(Path.Combine(Root, "samples", "messages"));
        var r = Assert.Single(Run(c, new MimeCheckProvider()));
        Assert.Equal(CheckStatus.Fail, r.Status);
        // 05 hides every part in the preamble (poison); 04 is cut off but read the same way by all parsers (nonconforming).
        Assert.Equal(1, r.Value);
        Assert.Contains(r.Evidence, e => e.Contains("05-newsletter-bad-boundary.eml: ", StringComparison.Ordinal) && e.Contains("boundary-not-found at offset", StringComparison.Ordinal));
        Assert.DoesNotContain(r.Evidence, e => e.Contains("04-truncated-invoice.eml", StringComparison.Ordinal));
        Assert.Contains("1 message(s) are nonconforming", r.Detail, StringComparison.Ordinal);

        c.MessagePaths[0] = Path.Combine(Root, "samples", "messages", "03-plain-reply.eml");
        Assert.Equal(CheckStatus.Pass, Assert.Single(Run(c, new MimeCheckProvider())).Status);
    }
}
