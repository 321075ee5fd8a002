using Outage.Tools.Core.Headers;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Tests.Logs;
using Xunit;

namespace Outage.Tools.Core.Tests.Headers;

/// <summary>
/// The Received fields real Postfix 3.7, real Exim 4.96 and Postfix's smtp-sink wrote on messages relayed here
/// (client -> Postfix -> Exim -> smtp-sink, and client -> Exim -> smtp-sink: <see cref="EximRelayFixture"/>), read by
/// Get-MessageHop's parser and checked against the MTAs' own logs: ids, hosts, recipients, dates and the delay of
/// the hop where the message waited in Exim's queue.
/// </summary>
[Collection(EximRelayCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RelayedHopTests
{
    private readonly EximRelayFixture _f;

    public RelayedHopTests(EximRelayFixture f) => _f = f;

    private List<(string File, List<ReceivedHop> Hops)> Delivered()
    {
        var messages = new List<(string, List<ReceivedHop>)>();
        foreach (var file in _f.DeliveredMessages())
        {
            var outcomes = MessageHops.Run(new[] { MimeInput.FromPath(file) }).ToList();
            Assert.All(outcomes, o => Assert.Equal(OutcomeKind.Result, o.Kind));
            messages.Add((file, outcomes.Select(o => o.Value!).ToList()));
        }

        Assert.Equal(EximRelayFixture.Delivered + EximRelayFixture.Relayed, messages.Count);
        return messages;
    }

    private List<MailLogEvent> EximEvents()
    {
        var request = new MailLogRequest();
        request.Inputs.Add(MailLogInput.FromPath(_f.LogPath));
        return MailLog.Read(request).Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();
    }

    [Fact]
    public void Postfix_then_Exim_then_the_sink_written_hops_are_parsed()
    {
        var relayed = Delivered().Where(m => m.Hops.Count == 3).ToList();
        Assert.Equal(EximRelayFixture.Relayed, relayed.Count);
        var exim = EximEvents();
        foreach (var (file, hops) in relayed)
        {
            var (postfix, eximHop, sink) = (hops[0], hops[1], hops[2]);
            // Postfix: "from client.example.test (unknown [127.0.0.1]) by mx.vm.test (Postfix) with ESMTP id X for <r>; date (UTC)"
            Assert.Equal("client.example.test (unknown [127.0.0.1])", postfix.From);
            Assert.Equal("mx.vm.test (Postfix)", postfix.By);
            Assert.Equal("ESMTP", postfix.With);
            Assert.Matches("^[0-9A-F]{8,}$", postfix.Id);
            Assert.Contains($"{postfix.Id}: ", _f.PostfixLog, StringComparison.Ordinal); // the queue id Postfix logged
            Assert.Matches("^<relayed[01]@sink.test>$", postfix.For);
            // Exim: "from [127.0.0.1] (helo=mx.vm.test) by relay.vm.test with esmtp (Exim 4.96) (envelope-from <s>) id X for r; date"
            Assert.Equal("[127.0.0.1] (helo=mx.vm.test)", eximHop.From);
            Assert.Equal("relay.vm.test", eximHop.By);
            Assert.Equal("esmtp (Exim 4.96) (envelope-from <dave@example.test>)", eximHop.With);
            Assert.True(EximLogParser.IsMessageId(eximHop.Id!), eximHop.Id);
            Assert.Equal(postfix.For!.Trim('<', '>'), eximHop.For);
            var arrival = Assert.Single(exim, e => e.QueueId == eximHop.Id && e.Status == MailLogStatus.Received);
            Assert.Equal(arrival.Time, eximHop.Date);
            // smtp-sink: "from relay.vm.test ([127.0.0.1]) by smtp-sink (smtp-sink) with ESMTP id hex; date (UTC)"
            Assert.Equal("relay.vm.test ([127.0.0.1])", sink.From);
            Assert.Equal("smtp-sink (smtp-sink)", sink.By);
            Assert.All(hops, h => Assert.False(h.DateMissing));
            Assert.All(hops, h => Assert.False(h.ClockSkew));
            AssertQueueWait(eximHop, sink, exim);
        }
    }

    [Fact]
    public void Exim_written_hops_of_direct_mail_carry_the_queue_wait()
    {
        var direct = Delivered().Where(m => m.Hops.Count == 2).ToList();
        Assert.Equal(EximRelayFixture.Delivered, direct.Count);
        var exim = EximEvents();
        foreach (var (file, hops) in direct)
        {
            Assert.Equal("[127.0.0.1] (helo=client.example.test)", hops[0].From);
            Assert.StartsWith("esmtp (Exim 4.96) (envelope-from <alice", hops[0].With, StringComparison.Ordinal);
            // Exim writes "for" only when the message has one recipient.
            Assert.Equal(hops[0].For is null, File.ReadAllText(file).Contains("X-Rcpt-Args: <copy0@sink.test>", StringComparison.Ordinal) || File.ReadAllText(file).Contains("X-Rcpt-Args: <user0@sink.test>", StringComparison.Ordinal));
            AssertQueueWait(hops[0], hops[1], exim);
        }
    }

    // The hop into the sink is where the message waited: Exim queued it (-odq) and delivered it after the pause; its
    // delay equals the QT= Exim logged on the delivery line, to the second the Received dates have.
    private static void AssertQueueWait(ReceivedHop eximHop, ReceivedHop sink, List<MailLogEvent> exim)
    {
        Assert.True(sink.Delay >= EximRelayFixture.QueuePause, $"the sink hop waited only {sink.Delay}");
        var delivery = exim.First(e => e.QueueId == eximHop.Id && e.Action == "=>");
        Assert.InRange(Math.Abs((sink.Delay!.Value - delivery.Delay!.Value).TotalSeconds), 0, 1.0);
        Assert.Equal(sink.TotalDelay, sink.Delay + (eximHop.Delay ?? TimeSpan.Zero)); // the total is the sum of the hops
    }
}
