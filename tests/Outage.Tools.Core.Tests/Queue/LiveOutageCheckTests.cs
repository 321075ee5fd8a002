using System.Text;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>
/// The outage check against live queues, as a runbook runs it every few minutes with a history file: the poison
/// result names exactly the poison queue ids, the growth appears from the second run, the next hop is the
/// relayhost. A Postfix whose relayhost is dead, and a real Exim.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LiveOutageCheckTests : IClassFixture<LivePostfixOutageFixture>, IClassFixture<EximQueueFixture>
{
    private readonly LivePostfixOutageFixture _postfix;
    private readonly EximQueueFixture _exim;

    public LiveOutageCheckTests(LivePostfixOutageFixture postfix, EximQueueFixture exim) => (_postfix, _exim) = (postfix, exim);

    private static List<OutageCheckResult> Run(OutageCheckConfiguration config) =>
        OutageCheckRunner.Run(new OutageCheckRequest(config, OutageCheckProviders.Default()), null, CancellationToken.None)
            .Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();

    /// <summary>Queue id → Message-ID, read with the queue's own tool (postcat / exim -Mvh -Mvb), not our file reader.</summary>
    private static Dictionary<string, string> MessageIds(QueueSourceOptions source)
    {
        source.ContentFromTool = true;
        return QueueSource.ReadMessages(source).Select(o => o.Value!).ToDictionary(m => m.Id, m => LivePostfixOutageFixture.MessageId(LivePostfixOutageFixture.Content(m)));
    }

    private static HashSet<string> NamedIds(OutageCheckResult poison) =>
        poison.Evidence.Select(e => e.Substring(0, e.IndexOf(' ', StringComparison.Ordinal))).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Postfix_check_with_history_names_the_poison_queue_ids_and_the_growth_from_the_second_run()
    {
        var history = Path.Combine(_postfix.Postfix.Root, "history.jsonl");
        var config = new OutageCheckConfiguration { HistoryPath = history };
        config.Queues.Add(new QueueSourceSpec { Kind = "postfix", ConfigDirectory = _postfix.Postfix.ConfigDirectory });
        var target = "postfix:" + _postfix.Postfix.ConfigDirectory;

        var first = Run(config);
        var poison = first.Single(r => r.Check == "poison-messages");
        Assert.Equal(target, poison.Target);
        Assert.Equal(CheckArea.Mime, poison.Area);
        Assert.Equal(CheckStatus.Fail, poison.Status);
        var expected = MessageIds(_postfix.Source).Where(p => _postfix.PoisonMessageIds.Contains(p.Value)).Select(p => p.Key).ToHashSet();
        Assert.Equal(_postfix.PoisonMessageIds.Count, expected.Count);
        Assert.Equal(expected, NamedIds(poison));
        Assert.All(poison.Evidence, e => Assert.Matches(@"^[0-9A-F]+ \(deferred\): [a-z0-9-]+", e));
        Assert.Equal(expected.Count, poison.Value);
        Assert.DoesNotContain(first, r => r.Check == "queue-growth");
        var size = first.Single(r => r.Check == "queue-size");
        Assert.Equal(target, size.Target);
        Assert.Equal(_postfix.Sent, size.Value);
        // The reason is normalised ("delivery temporarily suspended: X" counts as X) and says its unit.
        Assert.Contains(size.Evidence, e => e.StartsWith("reason: connect to 127.0.0.1[127.0.0.1]:", StringComparison.Ordinal) && e.EndsWith($"Connection refused ({_postfix.Sent} messages)", StringComparison.Ordinal));
        // Not growing yet (one run): no queue cause, though the relayhost refuses and poison is queued.
        Assert.DoesNotContain(ProbableCauseRules.Derive(first), c => c.Layer is CheckArea.Queue or CheckArea.Mime);

        Thread.Sleep(1500);
        _postfix.Send(_postfix.Sent, 24);
        var second = Run(config);
        var growth = second.Single(r => r.Check == "queue-growth");
        Assert.Equal(target, growth.Target);
        Assert.True(growth.Value > 0, growth.Summary);
        Assert.StartsWith("Backlog growing: +", growth.Summary, StringComparison.Ordinal);
        Assert.NotEqual(CheckStatus.Pass, growth.Status);
        var size2 = second.Single(r => r.Check == "queue-size");
        Assert.Equal(_postfix.Sent, size2.Value);
        Assert.StartsWith($"{_postfix.Sent} queued, growing +", size2.Summary, StringComparison.Ordinal);
        Assert.Equal(new[] { (double)(_postfix.Sent - 24) }, size2.Trend.Select(p => p.Value));
        var expected2 = MessageIds(_postfix.Source).Where(p => _postfix.PoisonMessageIds.Contains(p.Value)).Select(p => p.Key).ToHashSet();
        Assert.True(expected2.Count > expected.Count);
        Assert.Equal(expected2, NamedIds(second.Single(r => r.Check == "poison-messages")));

        // The second run's probable causes: the dead relayhost refuses, and the poison stalls delivery to it. Each names
        // the queue and the next hop (the relayhost as postconf resolves it) and rests on these results.
        var relayhost = _postfix.Postfix.Run("/usr/sbin/postconf", "-c", _postfix.Postfix.ConfigDirectory, "-h", "-x", "relayhost").Trim();
        var causes = ProbableCauseRules.Derive(second);
        var refuses = Assert.Single(causes, c => c.Rule == "next-hop-refuses");
        Assert.Equal(CheckArea.Queue, refuses.Layer);
        Assert.StartsWith($"Next hop {relayhost} refuses connections; the queue {target} grows +", refuses.Statement, StringComparison.Ordinal);
        Assert.EndsWith($"/min ({_postfix.Sent} messages).", refuses.Statement, StringComparison.Ordinal);
        Assert.Equal(new[] { $"Queue {target} queue-size: {size2.Status}", $"Queue {target} queue-growth: {growth.Status}" }, refuses.RestsOn);
        var stalls = Assert.Single(causes, c => c.Rule == "poison-stalls-queue");
        Assert.Equal(CheckArea.Mime, stalls.Layer);
        Assert.StartsWith($"Malformed messages are stalling delivery to {relayhost}: {expected2.Count} poison messages in {target}, which grows +",
            stalls.Statement, StringComparison.Ordinal);
        Assert.Equal(new[] { $"Mime {target} poison-messages: Fail", $"Queue {target} queue-size: {size2.Status}", $"Queue {target} queue-growth: {growth.Status}" },
            stalls.RestsOn);
    }

    [Fact]
    public void Exim_check_with_history_names_the_poison_message_ids_and_the_growth_from_the_second_run()
    {
        var history = Path.Combine(_exim.Root, "history.jsonl");
        var config = new OutageCheckConfiguration { HistoryPath = history };
        // An Exim queue given by its configuration file; the binary is found as exim / exim4 on PATH or the fixture's.
        var spec = new QueueSourceSpec { Kind = "exim", ConfigDirectory = _exim.Config };
        config.Queues.Add(spec);
        var poisonIds = new HashSet<string>(StringComparer.Ordinal);
        void Submit(int i, bool poisoned)
        {
            var id = $"ex{i}@vm.test";
            var body = poisoned
                ? $"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"z{i}\"\n\n--other{i}\nContent-Type: text/plain\n\nhidden part\n--other{i}--\n"
                : "MIME-Version: 1.0\nContent-Type: text/plain\n\nfine\n";
            EximQueueFixture.Run(EximQueueFixture.Binary, Encoding.ASCII.GetBytes($"From: s@vm.test\nTo: p{i}@contoso.test\nSubject: x{i}\nMessage-ID: <{id}>\n{body}"),
                "-C", _exim.Config, "-odq", "-f", "s@vm.test", $"p{i}@contoso.test");
            if (poisoned)
            {
                poisonIds.Add(id);
            }
        }

        for (var i = 0; i < 5; i++)
        {
            Submit(i, i % 2 == 0);
        }

        var source = new QueueSourceOptions { Kind = QueueSourceKind.Exim, EximPath = EximQueueFixture.Binary, EximConfig = _exim.Config };
        var before = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", Path.GetDirectoryName(EximQueueFixture.Binary) + ":" + before);
        try
        {
            var first = Run(config);
            var poison = first.Single(r => r.Check == "poison-messages");
            Assert.Equal("exim:" + _exim.Config, poison.Target);
            var expected = MessageIds(source).Where(p => poisonIds.Contains(p.Value)).Select(p => p.Key).ToHashSet();
            Assert.Equal(3, expected.Count);
            Assert.Equal(expected, NamedIds(poison));
            Assert.DoesNotContain(first, r => r.Check == "queue-growth");

            Thread.Sleep(1500);
            for (var i = 5; i < 12; i++)
            {
                Submit(i, false);
            }

            var second = Run(config);
            var growth = second.Single(r => r.Check == "queue-growth");
            Assert.True(growth.Value > 0, growth.Summary);
            Assert.StartsWith("Backlog growing", growth.Summary, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", before);
        }
    }

    [Fact]
    public void Postfix_next_hop_is_the_relayhost_postconf_resolves_for_every_recipient()
    {
        var relayhost = _postfix.Postfix.Run("/usr/sbin/postconf", "-c", _postfix.Postfix.ConfigDirectory, "-h", "-x", "relayhost").Trim();
        Assert.StartsWith("[127.0.0.1]:", relayhost, StringComparison.Ordinal);
        var messages = _postfix.List();
        Assert.All(messages, m => Assert.Equal(relayhost, m.NextHop));
        Assert.All(messages.SelectMany(m => m.Recipients), r => Assert.Equal(relayhost, r.NextHop));
        // Grouped by next hop, every recipient (not every message) counts once, all under the relayhost.
        var rows = QueueOperations.Shape(QueueSource.ReadMessages(_postfix.Source), new QueueShapeOptions { GroupBy = QueueShapeGroupBy.NextHop })
            .Select(o => o.Value!).ToList();
        var row = Assert.Single(rows, r => !r.IsTotal);
        Assert.Equal(relayhost, row.Name);
        Assert.Equal(messages.Sum(m => m.Recipients.Count), row.Total);
    }

    [Fact]
    public void Exim_next_hop_is_the_host_its_router_chooses()
    {
        var messages = QueueSource.ReadMessages(_exim.Source).Select(o => o.Value!).ToList();
        // The fixture's manualroute router sends everything to 127.0.0.3 port 2599 (exim -bt shows the same).
        Assert.All(messages, m => Assert.Equal("[127.0.0.3]:2599", m.NextHop));
    }
}
