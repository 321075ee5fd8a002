using System.IO.Compression;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Operations;
using Xunit;

namespace Outage.Tools.Core.Tests.Logs;

/// <summary>
/// Each log format with lines in the shapes the MTAs write (Postfix log_adhoc.c and postlogd, Exim's spec chapter
/// "Log files", Exchange's message tracking fields), bad lines, .gz and the time rules.
/// </summary>
public sealed class MailLogParserTests
{
    private static List<Outcome<MailLogEvent>> Read(string text, Action<MailLogRequest>? configure = null)
    {
        var request = new MailLogRequest { UtcOffset = TimeSpan.Zero, Year = 2026 };
        request.Inputs.Add(MailLogInput.FromContent("<test>", text));
        configure?.Invoke(request);
        return MailLog.Read(request).ToList();
    }

    private static List<MailLogEvent> Events(string text, Action<MailLogRequest>? configure = null) =>
        Read(text, configure).Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();

    private const string Postfix = """
        Nov 30 05:16:00 mx postfix/smtpd[10]: 4B1A2C3D4E: client=client.example.test[127.0.0.1]
        Nov 30 05:16:00 mx postfix/cleanup[11]: 4B1A2C3D4E: message-id=<m1@example.test>
        Nov 30 05:16:00 mx postfix/qmgr[12]: 4B1A2C3D4E: from=<alice@Example.TEST>, size=1234, nrcpt=2 (queue active)
        Nov 30 05:16:01 mx postfix/smtp[13]: 4B1A2C3D4E: to=<bob@contoso.test>, orig_to=<Bob@contoso.test>, relay=mx.contoso.test[192.0.2.1]:25, conn_use=2, delay=1.5, delays=0.02/0.03/0.9/0.55, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ABC)
        Nov 30 05:16:01 mx postfix/smtp[13]: 4B1A2C3D4E: to=<carol@fabrikam.test>, relay=none, delay=0.05, delays=0.02/0.03/0/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:2599: Connection refused)
        Dec  1 07:00:00 mx postfix/qmgr[12]: 4B1A2C3D4E: from=<alice@example.test>, status=expired, returned to sender
        Dec  1 07:00:00 mx postfix/qmgr[12]: 4B1A2C3D4E: removed
        Nov 30 05:17:00 mx postfix/smtpd[10]: NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 554 5.7.1 <x@relay.test>: Relay access denied; from=<spam@bad.test> to=<x@relay.test> proto=ESMTP helo=<bad>
        Nov 30 05:17:01 mx postfix/smtpd[10]: warning: hostname does not resolve
        Nov 30 05:17:02 mx kernel: something unrelated
        """;

    [Fact]
    public void Postfix_lines_become_typed_events_tied_by_queue_id()
    {
        var events = Events(Postfix);
        Assert.Equal(9, events.Count); // the kernel line is not Postfix's and is skipped
        var sent = events.Single(e => e.Status == MailLogStatus.Sent);
        Assert.Equal("bob@contoso.test", sent.Recipient);
        Assert.Equal("Bob@contoso.test", sent.OriginalRecipient);
        Assert.Equal("contoso.test", sent.RecipientDomain);
        Assert.Equal("mx.contoso.test[192.0.2.1]:25", sent.Relay);
        Assert.Equal(TimeSpan.FromSeconds(1.5), sent.Delay);
        Assert.Equal(TimeSpan.FromSeconds(0.9), sent.DelayConnection);
        Assert.Equal(TimeSpan.FromSeconds(0.55), sent.DelayTransmission);
        Assert.Equal("2.0.0", sent.Dsn);
        Assert.Equal("<m1@example.test>", sent.MessageId);
        Assert.Equal("alice@Example.TEST", sent.Sender);
        Assert.Equal("example.test", sent.SenderDomain);
        Assert.Equal(1234, sent.Size);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 16, 1, TimeSpan.Zero), sent.Time);
        Assert.Equal(4, sent.Line);
        var deferred = events.Single(e => e.Status == MailLogStatus.Deferred);
        Assert.Equal("connect to 127.0.0.1[127.0.0.1]:2599: Connection refused", deferred.Reason);
        Assert.Equal("4.4.1", deferred.Dsn);
        Assert.Equal(MailLogStatus.Expired, events[5].Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 7, 0, 0, TimeSpan.Zero), events[5].Time);
        Assert.Equal(MailLogStatus.Completed, events[6].Status);
        var reject = events.Single(e => e.Status == MailLogStatus.Rejected);
        Assert.Null(reject.QueueId);
        Assert.Equal("unknown[198.51.100.7]", reject.Client);
        Assert.Equal("spam@bad.test", reject.Sender);
        Assert.Equal("x@relay.test", reject.Recipient);
        Assert.Equal("554 5.7.1 <x@relay.test>: Relay access denied", reject.Reason);
        Assert.Equal("5.7.1", reject.Dsn);
        Assert.Equal(MailLogStatus.Warning, events[8].Status);
    }

    [Fact]
    public void Filters_select_by_status_domain_message_id_queue_id_and_time()
    {
        Assert.Single(Events(Postfix, r => r.Status.Add(MailLogStatus.Deferred)));
        Assert.Equal(2, Events(Postfix, r => { r.RecipientDomain.Add("CONTOSO.test"); r.RecipientDomain.Add("fabrikam.test"); }).Count);
        // The Message-ID is logged once by cleanup; the deliveries after it carry it too (brackets optional).
        Assert.Equal(6, Events(Postfix, r => r.MessageId.Add("m1@example.test")).Count);
        Assert.Equal(7, Events(Postfix, r => r.QueueId.Add("4B1A2C3D4E")).Count);
        Assert.Single(Events(Postfix, r => r.SenderDomain.Add("bad.test")));
        Assert.Equal(3, Events(Postfix, r => { r.Start = new DateTimeOffset(2026, 11, 30, 5, 16, 1, TimeSpan.Zero); r.End = new DateTimeOffset(2026, 11, 30, 5, 17, 1, TimeSpan.Zero); }).Count);
        var ex = Assert.Throws<OutageException>(() => MailLog.Read(new MailLogRequest { Start = DateTimeOffset.Now, End = DateTimeOffset.Now.AddHours(-1) }));
        Assert.Equal("InvalidArgument", ex.Error.ErrorId);
    }

    [Fact]
    public void Rfc3339_and_maillog_file_timestamps_are_read()
    {
        var events = Events("""
            2025-11-30T04:04:09.123456+01:00 mx postfix/smtp[1]: ABCDE12345: to=<a@b.test>, relay=none, delay=0.05, delays=0.02/0.03/0/0, dsn=4.4.1, status=deferred (connect to x: Connection refused)
            Mar 02 01:02:03 mx postfix/qmgr[2]: ABCDE12345: removed
            """);
        Assert.Equal(new DateTimeOffset(2025, 11, 30, 4, 4, 9, 123, TimeSpan.FromHours(1)).AddTicks(4560), events[0].Time);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 1, 2, 3, TimeSpan.Zero), events[1].Time);
    }

    [Fact]
    public void Syslog_dates_without_a_year_take_the_latest_year_not_after_the_file()
    {
        var clock = new LogClock(new DateTime(2026, 1, 5, 10, 0, 0), null, TimeSpan.Zero);
        Assert.Equal(15, clock.TryTraditional("Dec 31 23:59:59 mx postfix/x[1]: y", out var december));
        Assert.Equal(2025, december.Year);
        Assert.Equal(15, clock.TryTraditional("Jan  5 09:00:00 mx postfix/x[1]: y", out var january));
        Assert.Equal(2026, january.Year);
        // Feb 29 goes back to the last leap year.
        Assert.Equal(15, clock.TryTraditional("Feb 29 09:00:00 mx postfix/x[1]: y", out var leap));
        Assert.Equal(2024, leap.Year);
        Assert.Equal(0, clock.TryTraditional("Foo 29 09:00:00 mx", out _));
    }

    [Fact]
    public void Bad_lines_are_counted_and_located_warnings_and_the_listing_goes_on()
    {
        var text = Postfix + "\ngarbage line one\n" + string.Join("\n", Enumerable.Range(0, 15).Select(i => $"junk {i}")) + "\n" + Postfix;
        var outcomes = Read(text, r => r.MaximumLineWarnings = 3);
        Assert.Equal(18, outcomes.Count(o => o.Kind == OutcomeKind.Result));
        var warnings = outcomes.Where(o => o.Kind == OutcomeKind.Warning).Select(o => o.Text!).ToList();
        Assert.Equal(4, warnings.Count);
        Assert.StartsWith("<test>:11: not a Postfix log line", warnings[0], StringComparison.Ordinal);
        Assert.Contains("16 lines could not be read as Postfix log lines (first at line 11)", warnings[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_format_is_an_error_naming_the_file()
    {
        var outcomes = Read("hello\nworld\n");
        Assert.Equal("LogFormatUnknown", Assert.Single(outcomes).Error!.ErrorId);
    }

    [Fact]
    public void Gzip_logs_are_read_by_their_magic_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("outage-log-gz-").FullName;
        try
        {
            var path = Path.Combine(dir, "mail.log.1");
            using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            using (var w = new StreamWriter(gz))
            {
                w.Write(Postfix);
            }

            var request = new MailLogRequest { Year = 2026 };
            request.Inputs.Add(MailLogInput.FromPath(path));
            Assert.Equal(9, MailLog.Read(request).Count(o => o.Kind == OutcomeKind.Result));
            // A truncated file: the events before the damage, then an error.
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes.Take(bytes.Length - 12).ToArray());
            var outcomes = MailLog.Read(request).ToList();
            Assert.Equal("LogCompressedDataInvalid", outcomes.Single(o => o.Kind == OutcomeKind.Error).Error!.ErrorId);
            request.Inputs.Clear();
            request.Inputs.Add(MailLogInput.FromPath(Path.Combine(dir, "missing.log")));
            Assert.Equal("PathNotFound", Assert.Single(MailLog.Read(request)).Error!.ErrorId);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Exim_mainlog_lines_with_old_and_new_ids_zones_and_pids()
    {
        var events = Events("""
            2026-11-30 05:16:00 1tPq3A-0001aB-Cd <= alice@example.test H=client.example.test (helo) [192.0.2.9] P=esmtp S=1500 id=m2@example.test
            2026-11-30 05:16:01.250 +0100 [4242] 1tPq3A-0001aB-Cd => bob@contoso.test R=dnslookup T=remote_smtp H=mx.contoso.test [192.0.2.1] C="250 OK" QT=1m2s DT=1s
            2026-11-30 05:16:02 1tPq3A-0001aB-Cd -> carol@contoso.test <c@contoso.test> R=dnslookup T=remote_smtp H=mx.contoso.test [192.0.2.1]
            2026-11-30 05:16:03 1tPq3A-0001aB-Cd == dave@fabrikam.test R=dnslookup T=remote_smtp defer (111): Connection refused
            2026-11-30 05:16:04 1tPq3A-0001aB-Cd ** eve@nowhere.test: Unrouteable address
            2026-11-30 05:16:05 1tPq3A-0001aB-Cd Frozen (delivery error message)
            2026-11-30 05:16:06 1tPq3A-0001aB-Cd Completed QT=6s
            2026-11-30 05:16:07 16VDhn-000000001bo-D342 <= <> R=1tPq3A-0001aB-Cd U=exim P=local S=900
            2026-11-30 05:16:08 H=(bad) [198.51.100.7] F=<spam@bad.test> rejected RCPT <x@relay.test>: relay not permitted
            """);
        Assert.Equal(9, events.Count);
        var received = events[0];
        Assert.Equal(MailLogStatus.Received, received.Status);
        Assert.Equal("client.example.test (helo) [192.0.2.9]", received.Client);
        Assert.Equal(1500, received.Size);
        Assert.Equal("m2@example.test", received.MessageId);
        var sent = events[1];
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 16, 1, 250, TimeSpan.FromHours(1)), sent.Time);
        Assert.Equal(TimeSpan.FromSeconds(62), sent.Delay);
        Assert.Equal("mx.contoso.test [192.0.2.1]", sent.Relay);
        Assert.Equal("alice@example.test", sent.Sender);
        Assert.Equal("c@contoso.test", events[2].OriginalRecipient);
        Assert.Equal(MailLogStatus.Deferred, events[3].Status);
        Assert.Equal("Connection refused", events[3].Reason);
        Assert.Equal(MailLogStatus.Bounced, events[4].Status);
        Assert.Equal("eve@nowhere.test", events[4].Recipient);
        Assert.Equal("Unrouteable address", events[4].Reason);
        Assert.Equal(MailLogStatus.Frozen, events[5].Status);
        Assert.Equal(MailLogStatus.Completed, events[6].Status);
        Assert.Equal("16VDhn-000000001bo-D342", events[7].QueueId);
        Assert.Equal(string.Empty, events[7].Sender);
        Assert.Equal(MailLogStatus.Rejected, events[8].Status);
        Assert.Equal("relay not permitted", events[8].Reason);
    }

    [Fact]
    public void Exchange_tracking_logs_map_columns_by_the_fields_line()
    {
        var events = Events("""
            #Software: Microsoft Exchange Server
            #Version: 15.02.1544.004
            #Log-Type: Message Tracking Log
            #Date: 2026-11-30T05:00:00.000Z
            #Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version
            2026-11-30T05:16:00.000Z,192.0.2.9,client.example.test,10.0.0.1,EX01,,EX01\Default,SMTP,RECEIVE,111,<m3@example.test>,n1,bob@contoso.test;carol@contoso.test,,2048,2,,,"Hello, world",alice@example.test,alice@example.test,,Incoming,,,,,,,
            2026-11-30T05:20:00.000Z,10.0.0.1,EX01,,EX02,,,SMTP,DEFER,111,<m3@example.test>,n1,bob@contoso.test,"451 4.4.0 DNS query failed;timeout",2048,1,,,"Hello, world",alice@example.test,alice@example.test,,Incoming,,,,,,,
            2026-11-30T05:46:00.500Z,,EX01,,EX02,,,STOREDRIVER,DELIVER,111,<m3@example.test>,n1,bob@contoso.test,250 2.1.5 Recipient OK,2048,1,,,"Hello, world",alice@example.test,alice@example.test,2026-11-30T05:16:00.000Z,Incoming,,,,,,,
            """);
        Assert.Equal(4, events.Count);
        Assert.All(events.Take(2), e => Assert.Equal(MailLogStatus.Received, e.Status));
        Assert.Equal("carol@contoso.test", events[1].Recipient);
        Assert.Equal("<m3@example.test>", events[0].MessageId);
        Assert.Equal(2048, events[0].Size);
        Assert.Equal("EX01", events[0].Host);
        var defer = events[2];
        Assert.Equal(MailLogStatus.Deferred, defer.Status);
        Assert.Equal("451 4.4.0 DNS query failed;timeout", defer.Reason); // one recipient: the whole status, ';' and all
        Assert.Equal("4.4.0", defer.Dsn);
        var deliver = events[3];
        Assert.Equal(MailLogStatus.Sent, deliver.Status);
        Assert.Equal(TimeSpan.FromSeconds(1800.5), deliver.Delay);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 46, 0, 500, TimeSpan.Zero), deliver.Time);

        var summary = MailLogSummary.Run(Read(string.Join("\n", "#Fields: date-time,event-id,message-id,recipient-address,message-info,sender-address",
            "2026-11-30T05:16:00Z,RECEIVE,<a>,x@b.test;y@b.test,,s@a.test")), new MailLogSummaryOptions()).Single().Value!;
        Assert.Equal(1, summary.Received); // one message to two recipients is received once
    }
}
