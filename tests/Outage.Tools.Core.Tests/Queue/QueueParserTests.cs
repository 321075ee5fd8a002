using Xunit;
using System.Text;
using System.Text.RegularExpressions;
using Outage.Tools.Core;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Core.Tests.Queue;

public sealed class QueueParserTests
{
    private static List<Outcome<QueueMessage>> ReadPostqueueSample(DateTimeOffset? now = null) =>
        QueueSource.ReadMessages(new QueueSourceOptions
        {
            Kind = QueueSourceKind.PostqueueJson,
            Path = QueueFixtures.Path("postqueue-j.jsonl"),
            ComputerName = "mx.vm.test",
            Now = now ?? LatestArrival(),
        }).ToList();

    private static DateTimeOffset LatestArrival() =>
        File.ReadLines(QueueFixtures.Path("postqueue-j.jsonl")).Select(l => long.Parse(Regex.Match(l, "\"arrival_time\": (\\d+)").Groups[1].Value))
            .Select(DateTimeOffset.FromUnixTimeSeconds).Max().AddSeconds(1);

    [Fact]
    public void Postqueue_sample_parses_exactly_and_agrees_with_mailq()
    {
        var outcomes = ReadPostqueueSample();
        Assert.All(outcomes, o => Assert.Equal(OutcomeKind.Result, o.Kind));
        var messages = outcomes.Select(o => o.Value!).ToList();
        var mailq = File.ReadAllText(QueueFixtures.Path("mailq.txt"));
        var requests = int.Parse(Regex.Match(mailq, @"in (\d+) Requests?\.").Groups[1].Value);
        Assert.Equal(requests, messages.Count);
        var mailqIds = Regex.Matches(mailq, @"^([0-9A-F]{6,})([*!]?)\s+(\d+) \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d\s+(\S*)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => (Mark: m.Groups[2].Value, Size: long.Parse(m.Groups[3].Value), Sender: m.Groups[4].Value));
        Assert.Equal(mailqIds.Keys.OrderBy(x => x), messages.Select(m => m.Id).OrderBy(x => x));
        foreach (var m in messages)
        {
            Assert.Equal(mailqIds[m.Id].Size, m.Size);
            Assert.Equal(mailqIds[m.Id].Mark == "!", m.Queue == "hold");
            Assert.Equal(mailqIds[m.Id].Sender, m.Sender);
            Assert.Equal("mx.vm.test", m.ComputerName);
            Assert.Equal(QueueSourceKind.PostqueueJson, m.Source);
            Assert.Equal($"postqueue-json:{m.Queue}/{m.Id}", m.ContentName);
        }

        var first = messages[0];
        Assert.Equal("3CE46B20032", first.Id);
        Assert.Equal("deferred", first.Queue);
        Assert.Equal("Deferred", first.State);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795219076), first.ArrivalTime);
        Assert.Equal("user34@adatum.test", Assert.Single(first.Recipients).Address);
        Assert.Equal("adatum.test", first.Recipients[0].Domain);
        Assert.Equal("delivery temporarily suspended: connect to 127.0.0.1[127.0.0.1]:2599: Connection refused", first.LastError);
        Assert.Equal(200, messages.Count(m => m.State == "Deferred"));
    }

    [Fact]
    public void Shape_of_the_sample_equals_the_real_qshape_captures()
    {
        var now = LatestArrival();
        var deferred = new QueueMessageFilter();
        deferred.Queue.Add("deferred");
        var rows = QueueOperations.Shape(QueueOperations.GetMessages(ReadPostqueueSample(now), deferred), new QueueShapeOptions { Now = now })
            .Select(o => o.Value!).ToList();
        QueueFixtures.AssertSameMatrix(QueueFixtures.ParseQshape(File.ReadAllText(QueueFixtures.Path("qshape-deferred.txt"))), QueueFixtures.ToMatrix(rows));
        Assert.True(rows[0].IsTotal);
        Assert.Equal(new[] { "5", "10", "20", "40", "80", "160", "320", "640", "1280", "1280+" }, rows[0].BucketLabels);

        var bySender = QueueOperations.Shape(QueueOperations.GetMessages(ReadPostqueueSample(now), deferred),
            new QueueShapeOptions { Now = now, GroupBy = QueueShapeGroupBy.SenderDomain }).Select(o => o.Value!);
        QueueFixtures.AssertSameMatrix(QueueFixtures.ParseQshape(File.ReadAllText(QueueFixtures.Path("qshape-s-deferred.txt"))), QueueFixtures.ToMatrix(bySender));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(299, 1)]
    [InlineData(300, 2)]
    [InlineData(599, 2)]
    [InlineData(600, 3)]
    [InlineData(1199, 3)]
    [InlineData(1200, 4)]
    [InlineData(5 * 60 * 256, 10)]
    [InlineData(5 * 60 * 100000, 10)]
    public void Buckets_follow_qshape(long ageSeconds, int bucket) =>
        Assert.Equal(bucket, QueueOperations.Bucket(ageSeconds, 300, 10, linear: false));

    [Fact]
    public void Linear_buckets_and_labels_follow_qshape()
    {
        Assert.Equal(1, QueueOperations.Bucket(299, 300, 10, true));
        Assert.Equal(2, QueueOperations.Bucket(300, 300, 10, true));
        Assert.Equal(3, QueueOperations.Bucket(600, 300, 10, true));
        Assert.Equal(10, QueueOperations.Bucket(3000, 300, 10, true));
        Assert.Equal(new[] { "5", "10", "15", "20", "25", "30", "35", "40", "45", "45+" }, QueueOperations.Labels(new QueueShapeOptions { Linear = true }));
        Assert.Equal(new[] { "2", "4", "8", "8+" }, QueueOperations.Labels(new QueueShapeOptions { BucketMinutes = 2, BucketCount = 4 }));
    }

    [Fact]
    public void A_malformed_line_is_an_error_with_its_number_and_the_rest_is_read()
    {
        var text = string.Join("\n",
            "{\"queue_name\": \"deferred\", \"queue_id\": \"AAA111\", \"arrival_time\": 1795219076, \"message_size\": 10, \"sender\": \"\", \"recipients\": []}",
            "",
            "{\"queue_name\": \"deferred\", \"queue_id\": \"BROKEN\", \"arrival_time\": ",
            "{\"future\": {\"x\": [1, 2.5e3, null, true, \"\\u00e9\"]}, \"queue_name\": \"hold\", \"queue_id\": \"BBB222\", \"arrival_time\": 1795219000, \"message_size\": 7, \"forced_expire\": true, \"sender\": \"a\\\"b@x.test\", \"recipients\": [{\"address\": \"z@Y.Test\", \"new_member\": 1}]}",
            "[1]",
            "{\"queue_name\": \"active\"}");
        var outcomes = PostqueueJsonReader.Read(new StringReader(text), "test.jsonl", QueueSourceKind.PostqueueJson, "h", DateTimeOffset.FromUnixTimeSeconds(1795219100)).ToList();
        Assert.Equal(5, outcomes.Count);
        Assert.Equal("AAA111", outcomes[0].Value!.Id);
        Assert.Equal(string.Empty, outcomes[0].Value!.Sender);
        Assert.Equal(OutcomeKind.Error, outcomes[1].Kind);
        Assert.Equal(ErrorIds.QueueJsonInvalid, outcomes[1].Error!.ErrorId);
        Assert.Contains("Line 3 of test.jsonl", outcomes[1].Error!.Message);
        var b = outcomes[2].Value!;
        Assert.Equal("BBB222", b.Id);
        Assert.Equal("Hold", b.State);
        Assert.True(b.ForcedExpire);
        Assert.Equal("a\"b@x.test", b.Sender);
        Assert.Equal("y.test", b.Recipients[0].Domain);
        Assert.Null(b.Recipients[0].DelayReason);
        Assert.Equal(TimeSpan.FromSeconds(100), b.Age);
        Assert.Contains("Line 5", outcomes[3].Error!.Message);
        Assert.Contains("Line 6", outcomes[4].Error!.Message);
    }

    [Fact]
    public void An_empty_queue_gives_no_messages_and_no_errors()
    {
        Assert.Empty(PostqueueJsonReader.Read(new StringReader(string.Empty), "empty", QueueSourceKind.PostqueueJson, "h", DateTimeOffset.UtcNow));
        Assert.Empty(QueueOperations.Summarize(Array.Empty<Outcome<QueueMessage>>()));
        var shape = QueueOperations.Shape(Array.Empty<Outcome<QueueMessage>>(), new QueueShapeOptions()).Select(o => o.Value!).ToList();
        Assert.Equal(0, Assert.Single(shape).Total); // qshape prints the TOTAL row of an empty queue
    }

    [Fact]
    public void Exim_sample_parses_exactly()
    {
        var now = DateTimeOffset.Parse("2026-11-20T23:51:00Z");
        var outcomes = QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.EximListing, Path = QueueFixtures.Path("exim-bp.txt"), Now = now }).ToList();
        Assert.All(outcomes, o => Assert.Equal(OutcomeKind.Result, o.Kind));
        var m = outcomes.Select(o => o.Value!).ToList();
        var text = File.ReadAllText(QueueFixtures.Path("exim-bp.txt"));
        Assert.Equal(int.Parse(Regex.Match(text, @"-bpc\n(\d+)").Groups[1].Value), m.Count);
        Assert.Equal(new[] { "1xUYNP-0004Zd-1Y", "1xUYNP-0004Zf-1a", "1xUYNP-0004Zh-1c", "1xUYNP-0004Zj-1e", "1xUYNi-0004pc-0B", "1xUYNi-0004ph-0D" }, m.Select(x => x.Id));
        Assert.Equal("Frozen", m[2].State);
        Assert.Equal("Deferred", m[0].State);
        Assert.Equal(15 * 1024, m[4].Size);
        Assert.Equal(304, m[0].Size);
        Assert.Equal(string.Empty, m[5].Sender);
        Assert.Equal(3, m[3].Recipients.Count);
        Assert.True(m[3].Recipients[2].Delivered);
        Assert.Equal("root@vm", m[3].Recipients[2].Address);
        Assert.Equal(TimeSpan.Zero, m[0].Age);
        // exiqsumm's per-domain counts and volumes: that section of the capture was taken before the two
        // 1xUYNi messages arrived (its TOTAL, 5 recipients and 1401 bytes, is exactly the four 1xUYNP ones).
        var early = m.Where(x => x.Id.StartsWith("1xUYNP", StringComparison.Ordinal)).ToList();
        foreach (Match row in Regex.Matches(text, @"^\s+(\d+)\s+(\d+)\s+\S+\s+\S+\s+(\S+\.test)$", RegexOptions.Multiline))
        {
            var domain = row.Groups[3].Value;
            var withDomain = early.Where(x => x.Recipients.Any(r => !r.Delivered && r.Domain == domain)).ToList();
            Assert.Equal(int.Parse(row.Groups[1].Value), withDomain.Count);
            Assert.Equal(long.Parse(row.Groups[2].Value), withDomain.Sum(x => x.Size));
        }
    }

    [Fact]
    public void Exim_listing_errors_name_the_line()
    {
        var text = " 2h   2.9K 1xAAAA-000000-00 <a@b.test>\n          x@y.test\n\ngarbage here\n 3d 100 1xBBBB-000000-01 (joe) <c@d.test>\n          +D q@r.test\n          s@t.test\n";
        var o = EximListingReader.Read(new StringReader(text), "l.txt", QueueSourceKind.EximListing, "h", DateTimeOffset.UtcNow).ToList();
        Assert.Equal(3, o.Count);
        Assert.Equal(2970, o[0].Value!.Size);
        Assert.Equal(TimeSpan.FromHours(2), o[0].Value!.Age);
        Assert.Contains("Line 4 of l.txt", o[1].Error!.Message);
        Assert.Equal(TimeSpan.FromDays(3), o[2].Value!.Age);
        Assert.True(o[2].Value!.Recipients[0].Delivered);
        Assert.Equal("c@d.test", o[2].Value!.Sender);
    }

    [Fact]
    public void Exchange_csv_messages_bind_the_documented_properties()
    {
        var now = DateTimeOffset.Parse("2026-11-21T00:00:00Z");
        var o = QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = QueueFixtures.Path("exchange-get-message.csv"), Now = now }).ToList();
        Assert.Equal(4, o.Count);
        var a = o[0].Value!;
        Assert.Equal("EXCH01", a.ComputerName);
        Assert.Equal(@"EXCH01\contoso.com\4294967297", a.Id);
        Assert.Equal("contoso.com", a.Queue);
        Assert.Equal("Retry", a.State);
        Assert.Equal("alice@fabrikam.com", a.Sender);
        Assert.Equal(12800, a.Size);
        Assert.Equal(4, a.RetryCount);
        Assert.Equal(TimeSpan.FromMinutes(70), a.Age);
        Assert.Equal("<a1@fabrikam.com>", a.InternetMessageId);
        Assert.Empty(a.Recipients); // Export-Csv flattens the collection to its type name
        Assert.Equal("Invoice, \"final\"", o[1].Value!.Subject);
        Assert.Equal("Poison", o[2].Value!.Queue);
        Assert.Equal(OutcomeKind.Error, o[3].Kind);
        Assert.Contains("Line 6", o[3].Error!.Message);
    }

    [Fact]
    public void Exchange_clixml_messages_read_deserialized_objects()
    {
        var now = DateTimeOffset.Parse("2026-11-21T00:00:00Z");
        var o = QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = QueueFixtures.Path("exchange-get-message.clixml"), Clixml = true, Now = now }).ToList();
        Assert.Equal(2, o.Count);
        var a = o[0].Value!;
        Assert.Equal(@"EXCH01\contoso.com\4294967297", a.Id);
        Assert.Equal("Retry", a.State);
        Assert.Equal(12800, a.Size);
        Assert.Equal(4, a.RetryCount);
        Assert.Equal(TimeSpan.FromMinutes(70), a.Age);
        Assert.Equal(new[] { "bob@contoso.com", "carol@contoso.com" }, a.Recipients.Select(r => r.Address));
        Assert.Equal("451 4.4.0 DNS query failed", a.Recipients[0].DelayReason);
        var p = o[1].Value!;
        Assert.Equal("Suspended", p.State);
        Assert.Equal("Poison", p.Queue);
        Assert.Equal(string.Empty, p.Sender);
        Assert.Null(p.LastError);
        Assert.Equal("northwind.com", p.NextHop);
    }

    [Fact]
    public void Exchange_queue_files_give_summaries()
    {
        foreach (var (file, clixml) in new[] { ("exchange-get-queue.csv", false), ("exchange-get-queue.clixml", true) })
        {
            var options = new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = QueueFixtures.Path(file), Clixml = clixml };
            Assert.True(QueueSource.IsExchangeQueueFile(options));
            var q = QueueSource.ReadExchangeQueues(options).Select(x => x.Value!).ToList();
            var c = q[0];
            Assert.Equal("EXCH01", c.ComputerName);
            Assert.Equal(@"EXCH01\contoso.com", c.Queue);
            Assert.Equal(250, c.MessageCount);
            Assert.Equal("Retry", c.Status);
            Assert.Equal("DnsConnectorDelivery", c.DeliveryType);
            Assert.Equal(-3.5, c.Velocity);
            Assert.Equal(3.5, c.IncomingRate);
            Assert.Equal("contoso.com", c.NextHopDomain);
        }

        Assert.False(QueueSource.IsExchangeQueueFile(new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = QueueFixtures.Path("exchange-get-message.csv") }));
    }

    [Fact]
    public void A_damaged_clixml_file_reports_the_object()
    {
        var path = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><Obj RefId=\"0\"><Props><S N=\"Identity\">A\\q\\1</S><S N=\"FromAddress\">x@y</S></Props></Obj><Obj RefId=\"1\"><Props><S N=\"Identity\">");
            var o = QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = path, Clixml = true }).ToList();
            Assert.Equal(2, o.Count);
            Assert.Equal(@"A\q\1", o[0].Value!.Id);
            Assert.Contains("Object 2", o[1].Error!.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Spool_folder_messages_read_headers_and_exact_content()
    {
        var dir = Directory.CreateTempSubdirectory("outage-spool-");
        try
        {
            var bytes = Encoding.ASCII.GetBytes("Return-Path: <bounce@src.test>\r\nFrom: Ann <ann@src.test>\r\nTo: b@dst.test,\r\n  c@Other.test\r\nSubject: hello\r\nMessage-ID: <m1@src.test>\r\n\r\nbody\r\n");
            File.WriteAllBytes(System.IO.Path.Combine(dir.FullName, "one.eml"), bytes);
            File.WriteAllText(System.IO.Path.Combine(dir.FullName, "ignored.txt"), "x");
            var o = QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Spool, Path = dir.FullName, ComputerName = "pickup01" }).ToList();
            var m = Assert.Single(o).Value!;
            Assert.Equal("one.eml", m.Id);
            Assert.Equal("bounce@src.test", m.Sender);
            Assert.Equal(new[] { "b@dst.test", "c@Other.test" }, m.Recipients.Select(r => r.Address));
            Assert.Equal("other.test", m.Recipients[1].Domain);
            Assert.Equal("<m1@src.test>", m.InternetMessageId);
            Assert.Equal(bytes.Length, m.Size);
            using var s = m.OpenContent(CancellationToken.None);
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            Assert.Equal(bytes, ms.ToArray());
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Missing_files_and_tools_are_one_clear_error()
    {
        var e = Assert.Throws<OutageException>(() => QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.PostqueueJson, Path = "/nonexistent/q.jsonl" }).ToList());
        Assert.Equal(ErrorIds.PathNotFound, e.Error.ErrorId);
        var t = Assert.Throws<OutageException>(() => QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Exim, EximPath = "/nonexistent/exim" }).ToList());
        Assert.Equal(ErrorIds.ToolNotFound, t.Error.ErrorId);
        Assert.Contains("--exim-path", t.Error.FullMessage);
        var c = Assert.Throws<OutageException>(() => QueueSource.ReadMessages(new QueueSourceOptions { Kind = QueueSourceKind.Postfix, ConfigDirectory = "/nonexistent/postfix" }).ToList());
        Assert.Equal(ErrorIds.PathNotFound, c.Error.ErrorId);
        Assert.Contains("--config-dir", c.Error.FullMessage);
    }

    [Fact]
    public void Summaries_count_per_queue_with_top_destinations()
    {
        var s = QueueOperations.Summarize(ReadPostqueueSample()).Select(o => o.Value!).ToList();
        Assert.Equal(new[] { "deferred", "hold" }, s.Select(x => x.Queue));
        Assert.Equal(200, s[0].MessageCount);
        Assert.Equal(202, s[0].RecipientCount);
        Assert.Equal(200, s[0].States["Deferred"]);
        Assert.Equal(5, s[0].TopDestinations.Count);
        Assert.Equal("adatum.test (41 recipients)", s[0].TopDestinations[0]);
        Assert.Equal(1, s[1].MessageCount);
    }

    [Fact]
    public void Filters_select_messages()
    {
        var f = new QueueMessageFilter { First = 3 };
        f.Domain.Add("north*");
        var m = QueueOperations.GetMessages(ReadPostqueueSample(), f).Select(o => o.Value!).ToList();
        Assert.Equal(3, m.Count);
        Assert.All(m, x => Assert.Contains(x.Recipients, r => r.Domain == "northwind.test"));
        var old = new QueueMessageFilter { OlderThan = TimeSpan.FromMinutes(30) };
        Assert.DoesNotContain(QueueOperations.GetMessages(ReadPostqueueSample(), old), o => o.Kind == OutcomeKind.Result);
        var reason = new QueueMessageFilter();
        reason.Reason.Add("*Connection refused");
        reason.Queue.Add("hold");
        Assert.Single(QueueOperations.GetMessages(ReadPostqueueSample(), reason));
    }

    [Fact]
    public void Id_filter_takes_ids_and_wildcards()
    {
        var all = QueueOperations.GetMessages(ReadPostqueueSample(), new QueueMessageFilter()).Select(o => o.Value!).ToList();
        var one = new QueueMessageFilter();
        one.Id.Add(all[7].Id);
        Assert.Equal(all[7].Id, Assert.Single(QueueOperations.GetMessages(ReadPostqueueSample(), one)).Value!.Id);
        var prefix = all[7].Id.Substring(0, 3);
        var wild = new QueueMessageFilter();
        wild.Id.Add(prefix + "*");
        var matched = QueueOperations.GetMessages(ReadPostqueueSample(), wild).Select(o => o.Value!.Id).ToList();
        Assert.Equal(all.Count(m => m.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)), matched.Count);
        Assert.Contains(all[7].Id, matched);
        var none = new QueueMessageFilter();
        none.Id.Add("NOSUCHID");
        Assert.Empty(QueueOperations.GetMessages(ReadPostqueueSample(), none));
    }

    [Fact]
    public void Watch_weighs_magnitude_and_keeps_history()
    {
        var options = new QueueWatchOptions();
        QueueSample S(int minute, long count) => new() { Time = DateTimeOffset.Parse("2026-11-21T00:00:00Z").AddMinutes(minute), Count = count };
        var a = S(1, 1000);
        QueueWatch.Evaluate(a, S(0, 1100), options);
        Assert.Equal(QueueTrend.Draining, a.Trend);
        Assert.Equal(-100, a.RatePerMinute);
        Assert.Equal(TimeSpan.FromMinutes(10), a.EstimatedDrain);
        var b = S(1, 10001);
        QueueWatch.Evaluate(b, S(0, 10000), options); // +1/min on 10,000: no trend
        Assert.Equal(QueueTrend.Stable, b.Trend);
        var c = S(1, 60);
        QueueWatch.Evaluate(c, S(0, 10), options);
        Assert.Equal(QueueTrend.Growing, c.Trend);
        var d = S(2, 5);
        QueueWatch.Evaluate(d, null, options);
        Assert.Equal(QueueTrend.Unknown, d.Trend);

        var history = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"outage-history-{Guid.NewGuid():N}.jsonl");
        try
        {
            var clock = DateTimeOffset.Parse("2026-11-21T00:00:00Z");
            var run = new QueueWatchOptions { HistoryPath = history, Count = 1, Interval = TimeSpan.FromMilliseconds(10), Clock = () => clock };
            var first = QueueWatch.Run(() => ReadPostqueueSample(), run).Single().Value!;
            Assert.Equal(201, first.Count);
            Assert.Equal(QueueTrend.Unknown, first.Trend);
            clock = clock.AddMinutes(5);
            File.AppendAllText(history, "not json\n");
            var deferredOnly = new QueueWatchOptions { HistoryPath = history, Count = 2, Interval = TimeSpan.FromMilliseconds(10), Clock = () => clock };
            deferredOnly.Filter.Queue.Add("hold");
            var next = QueueWatch.Run(() => ReadPostqueueSample(), deferredOnly).Select(o => o.Value!).ToList();
            Assert.Equal(2, next.Count);
            Assert.Equal(-200, next[0].Delta); // against the previous run's sample
            Assert.Equal(-40, next[0].RatePerMinute);
            Assert.Equal(QueueTrend.Draining, next[0].Trend);
            Assert.Equal(3, File.ReadAllLines(history).Count(l => l.StartsWith('{')));

            // -WhatIf: the history is read for the delta, nothing is appended.
            clock = clock.AddMinutes(5);
            var whatIf = new QueueWatchOptions { HistoryPath = history, Count = 1, WriteHistory = false, Clock = () => clock };
            Assert.NotNull(QueueWatch.Run(() => ReadPostqueueSample(), whatIf).Single().Value!.Delta);
            Assert.Equal(3, File.ReadAllLines(history).Count(l => l.StartsWith('{')));
        }
        finally
        {
            File.Delete(history);
        }
    }

    [Fact]
    public void A_deserialized_queue_message_is_typed_again()
    {
        var bag = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Source"] = "Postfix", ["PSComputerName"] = "mx1", ["Id"] = "ABC123", ["Queue"] = "deferred", ["State"] = "Deferred",
            ["Sender"] = "a@x.test", ["Size"] = 340L, ["ArrivalTime"] = DateTimeOffset.FromUnixTimeSeconds(1795219076), ["Age"] = TimeSpan.FromMinutes(7),
            ["ContentName"] = "postfix:deferred/ABC123",
            ["Recipients"] = new List<object?>
            {
                new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["Address"] = "u@Contoso.test", ["DelayReason"] = "refused", ["Delivered"] = false },
            },
        };
        Assert.True(ExchangeInput.IsQueueMessage(bag));
        var m = ExchangeInput.FromQueueMessage(bag);
        Assert.Equal("mx1", m.ComputerName);
        Assert.Equal(340, m.Size);
        Assert.Equal(TimeSpan.FromMinutes(7), m.Age);
        Assert.Equal("contoso.test", m.Recipients[0].Domain);
        Assert.Equal("refused", m.Recipients[0].DelayReason);
        var row = QueueOperations.Shape(new[] { Outcome<QueueMessage>.Success(m) }, new QueueShapeOptions { Now = DateTimeOffset.FromUnixTimeSeconds(1795219076 + 420) })
            .Select(o => o.Value!).Last();
        Assert.Equal("contoso.test", row.Name);
        Assert.Equal(1, row.Buckets[1]);
    }
}
