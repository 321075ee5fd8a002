using System.Globalization;
using System.Text;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Logs;

/// <summary>
/// Measure-MessageDelay: end-to-end delays keyed as Measure-EmailDelayInMTL keys them (Message-ID across Exchange
/// servers), on tracking logs written from the documented fields, on Postfix and Exim lines, and percentiles.
/// </summary>
public sealed class MessageDelayTests
{
    internal const string Fields =
        "#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version";

    /// <summary>One tracking record in the documented column order.</summary>
    internal static string Record(DateTime time, string server, string source, string eventId, int internalId, string messageId, string recipients,
        string status = "", string messageInfo = "") =>
        string.Join(",", time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), "192.0.2.9", "client.example.test", "10.0.0.1", server,
            "", server + "\\Default", source, eventId, internalId.ToString(CultureInfo.InvariantCulture), messageId, "n" + internalId, recipients, status,
            "2048", "1", "", "", "subject", "alice@example.test", "alice@example.test", messageInfo, "Incoming", "", "", "", "", "", "", "");

    private static List<Outcome<MessageDelayRow>> Run(string text, params MessageDelayGroupBy[] groups)
    {
        var request = new MailLogRequest { UtcOffset = TimeSpan.Zero, Year = 2026 };
        request.Inputs.Add(MailLogInput.FromContent("<test>", text));
        var options = new MessageDelayOptions();
        foreach (var g in groups)
        {
            options.GroupBy.Add(g);
        }

        return MessageDelay.Run(MailLog.Read(request), options).ToList();
    }

    private static List<MessageDelayRow> Rows(string text, params MessageDelayGroupBy[] groups) =>
        Run(text, groups).Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();

    private static readonly DateTime T0 = new(2026, 11, 30, 5, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Twenty messages received on EX01 (internal id i), sent over SMTP to EX02 (its own internal id) and delivered
    /// there i minutes after receipt; one more only deferred (never delivered).
    /// </summary>
    private static string TwoServerLog()
    {
        var sb = new StringBuilder("#Software: Microsoft Exchange Server\n#Version: 15.02.1544.004\n#Log-Type: Message Tracking Log\n")
            .Append(Fields).Append('\n');
        for (var i = 1; i <= 20; i++)
        {
            var received = T0.AddMinutes(i * 3);
            var id = $"<m{i}@example.test>";
            var to = i % 2 == 0 ? "bob@contoso.test" : "carol@fabrikam.test";
            sb.Append(Record(received, "EX01", "SMTP", "RECEIVE", i, id, to)).Append('\n');
            sb.Append(Record(received.AddSeconds(20), "EX01", "SMTP", "SEND", i, id, to, "250 2.6.0 Queued mail for delivery")).Append('\n');
            sb.Append(Record(received.AddSeconds(21), "EX02", "SMTP", "RECEIVE", 1000 + i, id, to)).Append('\n');
            sb.Append(Record(received.AddMinutes(i), "EX02", "STOREDRIVER", "DELIVER", 1000 + i, id, to, "250 2.1.5 Recipient OK",
                received.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))).Append('\n');
        }

        sb.Append(Record(T0.AddMinutes(70), "EX01", "SMTP", "RECEIVE", 99, "<stuck@example.test>", "dave@tailspin.test")).Append('\n');
        sb.Append(Record(T0.AddMinutes(75), "EX01", "SMTP", "DEFER", 99, "<stuck@example.test>", "dave@tailspin.test", "451 4.4.0 DNS query failed")).Append('\n');
        return sb.ToString();
    }

    [Fact]
    public void Exchange_messages_are_keyed_by_message_id_across_servers_from_first_receive_to_last_deliver()
    {
        var messages = Rows(TwoServerLog(), MessageDelayGroupBy.Message);
        Assert.Equal(21, messages.Count);
        var m7 = messages.Single(r => r.Key == "<m7@example.test>");
        Assert.Equal(TimeSpan.FromMinutes(7), m7.Maximum);
        Assert.Equal(1, m7.Delivered);
        Assert.Equal(new DateTimeOffset(T0.AddMinutes(21)), m7.FirstReceived);
        var stuck = messages.Single(r => r.Key == "<stuck@example.test>");
        Assert.Equal(0, stuck.Delivered);
        Assert.Equal(1, stuck.Undelivered);
        Assert.Equal(1, stuck.Deferred);
        Assert.Null(stuck.Maximum);
    }

    [Fact]
    public void Totals_have_nearest_rank_percentiles_and_count_undelivered_apart()
    {
        var total = Rows(TwoServerLog()).Single();
        Assert.Equal(MessageDelayGroupBy.Total, total.GroupBy);
        Assert.Equal(20, total.Delivered);
        Assert.Equal(1, total.Undelivered);
        Assert.Equal(1, total.Deferred);
        // Delays 1..20 minutes: ranks ceil(0.5*20)=10, ceil(0.9*20)=18, 19, 20.
        Assert.Equal(TimeSpan.FromMinutes(10), total.P50);
        Assert.Equal(TimeSpan.FromMinutes(18), total.P90);
        Assert.Equal(TimeSpan.FromMinutes(19), total.P95);
        Assert.Equal(TimeSpan.FromMinutes(20), total.P99);
        Assert.Equal(TimeSpan.FromMinutes(20), total.Maximum);
        Assert.Equal(TimeSpan.FromMinutes(10.5), total.Average);
        Assert.Equal(new DateTimeOffset(T0.AddMinutes(3)), total.FirstReceived);
        Assert.Equal(new DateTimeOffset(T0.AddMinutes(80)), total.LastDelivered);
    }

    [Fact]
    public void Hours_are_of_receipt_and_domains_are_destinations()
    {
        var rows = Rows(TwoServerLog(), MessageDelayGroupBy.Hour, MessageDelayGroupBy.RecipientDomain);
        var hours = rows.Where(r => r.GroupBy == MessageDelayGroupBy.Hour).ToList();
        Assert.Equal(new[] { "2026-11-30 05:00", "2026-11-30 06:00" }, hours.Select(h => h.Key));
        // Received 05:03 ... 05:57 (i = 1..19), 06:00 (i = 20) and the stuck one at 06:10.
        Assert.Equal(19, hours[0].Delivered);
        Assert.Equal(1, hours[1].Delivered);
        Assert.Equal(1, hours[1].Undelivered);
        Assert.Equal(TimeSpan.FromMinutes(20), hours[1].P95);
        var domains = rows.Where(r => r.GroupBy == MessageDelayGroupBy.RecipientDomain).ToDictionary(r => r.Key);
        Assert.Equal(10, domains["contoso.test"].Delivered); // even i: 2..20 minutes
        Assert.Equal(TimeSpan.FromMinutes(20), domains["contoso.test"].P95);
        Assert.Equal(TimeSpan.FromMinutes(10), domains["contoso.test"].P50);
        Assert.Equal(10, domains["fabrikam.test"].Delivered); // odd i: 1..19 minutes
        Assert.Equal(TimeSpan.FromMinutes(9), domains["fabrikam.test"].P50);
        Assert.Equal(0, domains["tailspin.test"].Delivered);
        Assert.Equal(1, domains["tailspin.test"].Undelivered);
        // Slowest destinations first.
        Assert.Equal("contoso.test", rows.First(r => r.GroupBy == MessageDelayGroupBy.RecipientDomain).Key);
    }

    [Fact]
    public void The_fixture_tracking_log_gives_the_deliver_minus_receive()
    {
        var text = File.ReadAllText(Path.Combine(FixturePath(), "MSGTRK2026113005-1.LOG"));
        var total = Rows(text).Single();
        Assert.Equal(1, total.Delivered);
        Assert.Equal(1, total.Deferred);
        Assert.Equal(TimeSpan.FromMinutes(30), total.Maximum);
    }

    [Fact]
    public void Postfix_delay_runs_from_receipt_to_the_last_delivery_of_the_queue_id()
    {
        var text = File.ReadAllText(Path.Combine(FixturePath(), "postfix-maillog.log"));
        var rows = Rows(text, MessageDelayGroupBy.Total, MessageDelayGroupBy.RecipientDomain, MessageDelayGroupBy.Message);
        var message = rows.Single(r => r.GroupBy == MessageDelayGroupBy.Message);
        Assert.Equal("4B1A2C3D4E", message.QueueId);
        Assert.Equal(TimeSpan.FromSeconds(7202), message.Maximum); // 05:16:00 to 07:16:02, as Postfix's own delay=7202
        var domains = rows.Where(r => r.GroupBy == MessageDelayGroupBy.RecipientDomain).ToDictionary(r => r.Key);
        Assert.Equal(TimeSpan.FromSeconds(1), domains["contoso.test"].Maximum);
        Assert.Equal(TimeSpan.FromSeconds(7202), domains["fabrikam.test"].Maximum);
        Assert.Equal(1, domains["fabrikam.test"].Deferred);
        Assert.Equal(0, domains["contoso.test"].Deferred);
    }

    [Fact]
    public void Exim_delay_runs_from_arrival_to_the_last_delivery_and_a_recipient_never_delivered_counts_for_its_domain()
    {
        var text = File.ReadAllText(Path.Combine(FixturePath(), "exim-mainlog"));
        var rows = Rows(text, MessageDelayGroupBy.Total, MessageDelayGroupBy.RecipientDomain);
        var total = rows.Single(r => r.GroupBy == MessageDelayGroupBy.Total);
        Assert.Equal(1, total.Delivered);
        Assert.Equal(TimeSpan.FromSeconds(1), total.Maximum);
        var fabrikam = rows.Single(r => r.Key == "fabrikam.test");
        Assert.Equal(0, fabrikam.Delivered);
        Assert.Equal(1, fabrikam.Undelivered);
    }

    [Fact]
    public void A_delivery_whose_receipt_is_in_an_earlier_log_is_measured_from_the_MTA_delay_or_warned_about()
    {
        const string text = """
            Nov 30 07:16:02 mx postfix/smtp[13]: AAAA1111: to=<carol@fabrikam.test>, relay=mx.fabrikam.test[192.0.2.2]:25, delay=7202, delays=7201/0.03/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)
            Nov 30 07:16:02 mx postfix/qmgr[12]: AAAA1111: removed
            Nov 30 07:20:00 mx postfix/local[14]: BBBB2222: to=<root@mx.test>, relay=local, dsn=2.0.0, status=sent (delivered to mailbox)
            """;
        var outcomes = Run(text);
        var total = outcomes.Single(o => o.Kind == OutcomeKind.Result).Value!;
        Assert.Equal(1, total.Delivered);
        Assert.Equal(TimeSpan.FromSeconds(7202), total.Maximum);
        Assert.Contains(outcomes, o => o.Kind == OutcomeKind.Warning && o.Text!.StartsWith("1 delivered messages were not measured", StringComparison.Ordinal));
    }

    [Fact]
    public void Nearest_rank_percentiles()
    {
        var values = new List<double> { 15, 20, 35, 40, 50 };
        Assert.Equal(20, MessageDelay.Percentile(values, 30)); // the classic example: rank ceil(1.5) = 2
        Assert.Equal(35, MessageDelay.Percentile(values, 50));
        Assert.Equal(50, MessageDelay.Percentile(values, 95));
        Assert.Equal(15, MessageDelay.Percentile(values, 0));
        Assert.Throws<ArgumentException>(() => MessageDelay.Percentile(new List<double>(), 50));
    }

    [Fact]
    public void Open_messages_are_bounded()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Nov 30 05:16:{i:00} mx postfix/smtpd[10]: Q{i:X8}: client=c[127.0.0.1]\n");
        }

        var request = new MailLogRequest { UtcOffset = TimeSpan.Zero, Year = 2026 };
        request.Inputs.Add(MailLogInput.FromContent("<test>", sb.ToString()));
        var options = new MessageDelayOptions { MaximumOpenMessages = 10 };
        var outcomes = MessageDelay.Run(MailLog.Read(request), options).ToList();
        Assert.Equal(50, outcomes.Single(o => o.Kind == OutcomeKind.Result).Value!.Undelivered);
        Assert.Contains(outcomes, o => o.Kind == OutcomeKind.Warning && o.Text!.StartsWith("40 messages were measured before their end", StringComparison.Ordinal));
    }

    internal static string FixturePath()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "tests", "fixtures", "logs")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return Path.Combine(dir ?? throw new DirectoryNotFoundException("tests/fixtures/logs"), "tests", "fixtures", "logs");
    }
}

/// <summary>On the log of a real private Postfix (<see cref="PostfixLogFixture"/>): delivered, bounced and deferred mail.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MessageDelayPostfixTests : IClassFixture<PostfixLogFixture>
{
    private readonly PostfixLogFixture _log;

    public MessageDelayPostfixTests(PostfixLogFixture log) => _log = log;

    private List<MessageDelayRow> Rows(params MessageDelayGroupBy[] groups)
    {
        var request = new MailLogRequest();
        request.Inputs.Add(MailLogInput.FromPath(_log.LogPath));
        var options = new MessageDelayOptions();
        foreach (var g in groups)
        {
            options.GroupBy.Add(g);
        }

        var outcomes = MessageDelay.Run(MailLog.Read(request), options).ToList();
        Assert.DoesNotContain(outcomes, o => o.Kind is OutcomeKind.Error or OutcomeKind.Warning);
        return outcomes.Select(o => o.Value!).ToList();
    }

    [Fact]
    public void Every_delivered_message_is_measured_as_Postfix_itself_logs_its_delay()
    {
        var messages = Rows(MessageDelayGroupBy.Message).Where(r => r.Delivered == 1).ToList();
        Assert.Equal(PostfixLogFixture.Delivered, messages.Count);
        // Postfix's own delay= on the status=sent line, to the second (the log's timestamps have whole seconds).
        var own = File.ReadLines(_log.LogPath).Where(l => l.Contains(", status=sent", StringComparison.Ordinal))
            .Select(l => (Id: l.Split(": ")[1], Delay: double.Parse(System.Text.RegularExpressions.Regex.Match(l, @"delay=([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture)))
            .ToDictionary(x => x.Id, x => x.Delay);
        foreach (var m in messages)
        {
            Assert.True(Math.Abs(m.Maximum!.Value.TotalSeconds - own[m.QueueId!]) <= 1.0, $"{m.QueueId}: ours {m.Maximum}, Postfix {own[m.QueueId!]} s");
        }
    }

    [Fact]
    public void Bounced_and_deferred_mail_is_undelivered_per_destination()
    {
        var rows = Rows(MessageDelayGroupBy.Total, MessageDelayGroupBy.RecipientDomain);
        var total = rows.Single(r => r.GroupBy == MessageDelayGroupBy.Total);
        Assert.Equal(PostfixLogFixture.Delivered, total.Delivered);
        // Bounced and deferred messages, plus the bounce notices to example.test, which defer at the dead relay too.
        Assert.Equal(PostfixLogFixture.Bounced + PostfixLogFixture.Deferred + PostfixLogFixture.Bounced, total.Undelivered);
        var domains = rows.Where(r => r.GroupBy == MessageDelayGroupBy.RecipientDomain).ToDictionary(r => r.Key);
        Assert.Equal(PostfixLogFixture.Delivered, domains["sink.test"].Delivered);
        Assert.Equal(0, domains["sink.test"].Undelivered);
        Assert.NotNull(domains["sink.test"].P95);
        Assert.Equal(PostfixLogFixture.Bounced, domains["bounce.test"].Undelivered);
        Assert.Equal(PostfixLogFixture.Deferred, domains["dead.test"].Undelivered);
        Assert.Equal(PostfixLogFixture.Deferred, domains["dead.test"].Deferred);
        Assert.False(domains.ContainsKey("rejected.test")); // refused at RCPT: never queued, never a message here
    }
}
