using System.Text;
using System.Text.RegularExpressions;
using Outage.Tools.Core;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>A queue of 300 messages on a private Postfix: deferred to five domains, other senders, bounces.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostfixQueueFixture : IDisposable
{
    public const int Count = 300;

    public static readonly string[] Domains = { "contoso.test", "fabrikam.test", "northwind.test", "example.test", "adatum.test" };

    public PostfixQueueFixture()
    {
        Postfix = new PostfixInstance();
        var messages = new List<(string, string[], byte[])>();
        for (var i = 0; i < Count - 1; i++)
        {
            var from = i % 7 == 0 ? $"ops{i}@Other.Test" : i % 29 == 0 ? string.Empty : "sender@vm.test";
            var to = i % 10 == 0
                ? new[] { $"user{i}@{Domains[i % 5]}", $"copy{i}@{Domains[(i + 1) % 5]}" }
                : new[] { $"user{i}@{Domains[i % 5]}" };
            var body = i % 13 == 0
                // malformed: a multipart whose closing boundary never comes
                ? $"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\nMIME-Version: 1.0\r\n\r\n--b{i}\r\nContent-Type: text/plain\r\n\r\npart\r\n"
                : "\r\nhello\r\n";
            messages.Add((from, to, Encoding.ASCII.GetBytes($"From: x@vm.test\r\nTo: {to[0]}\r\nSubject: m{i}\r\nMessage-ID: <m{i}@vm.test>\r\nDate: Sat, 21 Nov 2026 00:00:00 +0000\r\n{body}")));
        }

        Exact = Encoding.Latin1.GetBytes("From: Exact <exact@vm.test>\r\nTo: bytes@exact.test\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\nMessage-ID: <exact@vm.test>\r\nDate: Sat, 21 Nov 2026 00:00:00 +0000\r\n\r\n.leading dot\r\n\ttab and trailing space \r\n" + new string('x', 990) + "\r\n\r\nend\r\n");
        messages.Add(("exact@vm.test", new[] { "bytes@exact.test" }, Exact));
        Postfix.Send(messages);
        Postfix.WaitForSettled(Count);
    }

    public PostfixInstance Postfix { get; }

    public byte[] Exact { get; }

    public QueueSourceOptions Source => new() { Kind = QueueSourceKind.Postfix, ConfigDirectory = Postfix.ConfigDirectory };

    public List<QueueMessage> List() => QueueSource.ReadMessages(Source).Select(o => o.Kind == OutcomeKind.Result ? o.Value! : throw new InvalidOperationException(o.ToString())).ToList();

    public void Dispose() => Postfix.Dispose();
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostfixLiveTests : IClassFixture<PostfixQueueFixture>
{
    private readonly PostfixQueueFixture _f;

    public PostfixLiveTests(PostfixQueueFixture f) => _f = f;

    private Dictionary<string, string> Mailq()
    {
        var text = _f.Postfix.Run("/usr/sbin/postqueue", "-c", _f.Postfix.ConfigDirectory, "-p");
        return Regex.Matches(text, @"^([0-9A-F]{6,})([*!]?)\s+\d+ ", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
    }

    [Fact]
    public void Listing_equals_mailq()
    {
        var ours = _f.List();
        var mailq = Mailq();
        Assert.Equal(mailq.Keys.OrderBy(x => x), ours.Select(m => m.Id).OrderBy(x => x));
        Assert.All(ours, m => Assert.Equal(mailq[m.Id] == "!", m.Queue == "hold"));
        Assert.All(ours, m => Assert.Equal(QueueSourceKind.Postfix, m.Source));
        Assert.All(ours, m => Assert.False(string.IsNullOrEmpty(m.ComputerName)));
        Assert.Equal(Mailq().Count, QueueOperations.Summarize(QueueSource.ReadMessages(_f.Source)).Sum(s => s.Value!.MessageCount));
    }

    [Fact]
    public void Shape_equals_real_qshape_for_all_queues_by_recipient_and_sender()
    {
        var queues = new[] { "maildrop", "incoming", "active", "deferred", "hold" };
        foreach (var bySender in new[] { false, true })
        {
            var args = new List<string> { "-c", _f.Postfix.ConfigDirectory };
            if (bySender)
            {
                args.Add("-s");
            }

            args.AddRange(queues);
            var now = DateTimeOffset.UtcNow;
            var qshape = QueueFixtures.ParseQshape(_f.Postfix.Run("/usr/sbin/qshape", args.ToArray()));
            var ours = QueueOperations.Shape(QueueSource.ReadMessages(_f.Source), new QueueShapeOptions
            {
                Now = now,
                GroupBy = bySender ? QueueShapeGroupBy.SenderDomain : QueueShapeGroupBy.RecipientDomain,
            }).Select(o => o.Value!).ToList();
            QueueFixtures.AssertSameMatrix(qshape, QueueFixtures.ToMatrix(ours));
            Assert.True(ours[0].Total >= PostfixQueueFixture.Count - 10); // the action test may have deleted two
        }

        // -t 1 -b 3 and linear, on the same live queue.
        foreach (var linear in new[] { false, true })
        {
            var args = new List<string> { "-c", _f.Postfix.ConfigDirectory, "-t", "1", "-b", "3" };
            if (linear)
            {
                args.Add("-l");
            }

            args.AddRange(queues);
            var now = DateTimeOffset.UtcNow;
            var qshape = QueueFixtures.ParseQshape(_f.Postfix.Run("/usr/sbin/qshape", args.ToArray()));
            var ours = QueueOperations.Shape(QueueSource.ReadMessages(_f.Source), new QueueShapeOptions { Now = now, BucketMinutes = 1, BucketCount = 3, Linear = linear })
                .Select(o => o.Value!);
            QueueFixtures.AssertSameMatrix(qshape, QueueFixtures.ToMatrix(ours));
        }
    }

    [Fact]
    public void Content_is_the_submitted_bytes_after_postfix_received_header()
    {
        var m = _f.List().Single(x => x.Recipients.Any(r => r.Address == "bytes@exact.test"));
        Assert.True(m.HasContent);
        Assert.Equal($"postfix:{m.Queue}/{m.Id}", m.ContentName);
        using var s = m.OpenContent(CancellationToken.None);
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        var bytes = ms.ToArray();
        var text = Encoding.Latin1.GetString(bytes);
        Assert.StartsWith("Received: from ", text, StringComparison.Ordinal);
        // The Received header Postfix prepended ends at the first line that is not a continuation.
        var end = 0;
        do
        {
            end = text.IndexOf("\r\n", end, StringComparison.Ordinal) + 2;
        }
        while (text[end] == ' ' || text[end] == '\t');
        Assert.Equal(_f.Exact, bytes.Skip(end).ToArray());

        var dir = Directory.CreateTempSubdirectory("outage-export-");
        try
        {
            var exported = QueueActions.Export(new[] { m }, dir.FullName, QueueExportName.MessageId, false).Single().Value!;
            Assert.Equal(Path.Combine(dir.FullName, "exact@vm.test.eml"), exported.Path);
            Assert.Equal(bytes, File.ReadAllBytes(exported.Path!));
            var again = QueueActions.Export(new[] { m }, dir.FullName, QueueExportName.MessageId, false).Single();
            Assert.Equal(OutcomeKind.Error, again.Kind);
            var inMemory = QueueActions.Export(new[] { m }, null, QueueExportName.QueueId, false).Single().Value!;
            Assert.Equal(bytes, inMemory.Content);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Hold_release_delete_touch_only_the_named_messages()
    {
        var before = _f.List().Where(m => m.Queue == "deferred").OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        var chosen = before.Where(m => m.Recipients.Any(r => r.Domain == "northwind.test")).Take(5).ToList();
        var held = QueueActions.Apply(chosen, QueueAction.Hold).ToList();
        Assert.All(held, o => Assert.Equal(QueueActionState.Succeeded, o.Value!.State));

        // The result carries the message as it is now (on hold), so it can be released as it is.
        Assert.All(held, o => Assert.Equal("hold", o.Value!.Message!.Queue));
        Assert.All(held, o => Assert.Equal("hold", o.Value!.Queue));

        // Holding a held message again is nothing to do: Unchanged with a note, no warning.
        var again = QueueActions.Apply(chosen.Take(1).ToList(), QueueAction.Hold).ToList();
        Assert.Equal(OutcomeKind.Verbose, again[0].Kind);
        Assert.Contains("already on hold", again[0].Text);
        Assert.Equal(QueueActionState.Unchanged, Assert.Single(again, o => o.Kind == OutcomeKind.Result).Value!.State);
        Assert.DoesNotContain(again, o => o.Kind is OutcomeKind.Warning or OutcomeKind.Error);
        var mailq = Mailq();
        Assert.All(chosen, m => Assert.Equal("!", mailq[m.Id]));
        Assert.Equal(before.Count - 5, before.Count(m => mailq.TryGetValue(m.Id, out var mark) && mark == string.Empty));

        var nowHeld = _f.List().Where(m => chosen.Any(c => c.Id == m.Id)).ToList();
        Assert.All(nowHeld, m => Assert.Equal("hold", m.Queue));
        var released = QueueActions.Apply(held.Select(o => o.Value!.Message!).ToList(), QueueAction.Release).ToList();
        Assert.All(released, o => Assert.Equal(QueueActionState.Succeeded, o.Value!.State));
        Assert.All(released, o => Assert.Equal("deferred", o.Value!.Message!.Queue));
        mailq = Mailq();
        Assert.All(chosen, m => Assert.Equal(string.Empty, mailq[m.Id]));

        var doomed = _f.List().Where(m => chosen.Take(2).Any(c => c.Id == m.Id)).ToList();
        var total = mailq.Count;
        Assert.All(QueueActions.Apply(doomed, QueueAction.Delete), o => Assert.Equal(QueueAction.Delete, o.Value!.Action));
        mailq = Mailq();
        Assert.Equal(total - 2, mailq.Count);
        Assert.DoesNotContain(doomed[0].Id, mailq.Keys);
        Assert.Contains(chosen[2].Id, mailq.Keys);

        // Vanished since listing: an ObjectNotFound error for that message (non-terminating in the module).
        var gone = doomed[0];
        var vanished = Assert.Single(QueueActions.Apply(new[] { gone }, QueueAction.Hold));
        Assert.Equal(OutcomeKind.Error, vanished.Kind);
        Assert.Equal(ErrorIds.QueueMessageNotFound, vanished.Error!.ErrorId);
        Assert.Equal(OutageErrorCategory.ObjectNotFound, vanished.Error.Category);
        var export = Assert.Single(QueueActions.Export(new[] { gone }, null, QueueExportName.QueueId, false));
        Assert.Equal(OutcomeKind.Warning, export.Kind);
        Assert.Contains(gone.Id, export.Text);
        var e = Assert.Throws<OutageException>(() => gone.OpenContent(CancellationToken.None));
        Assert.Equal(ErrorIds.QueueMessageNotFound, e.Error.ErrorId);
    }

    [Fact]
    public void Filters_on_the_live_queue()
    {
        var f = new QueueMessageFilter();
        f.Sender.Add("*@other.test");
        var m = QueueOperations.GetMessages(QueueSource.ReadMessages(_f.Source), f).Select(o => o.Value!).ToList();
        Assert.NotEmpty(m);
        Assert.All(m, x => Assert.EndsWith("@Other.Test", x.Sender, StringComparison.Ordinal));
        var reason = new QueueMessageFilter();
        reason.Reason.Add("*Connection refused*");
        Assert.Equal(_f.List().Count(x => x.Queue == "deferred"), QueueOperations.GetMessages(QueueSource.ReadMessages(_f.Source), reason).Count());
    }

    [Fact]
    public void Triage_with_the_real_MIME_linter_holds_exactly_the_malformed_messages()
    {
        // Get-MailQueueMessage -Queue deferred | Test-MimeMessage | Where { -not WellFormed } | Suspend-MailQueueMessage,
        // through the same Core calls the cmdlets make: the linter reads each queued message only through
        // IMessageContent (postcat), and its report hands the queued message back in Message.
        var filter = new QueueMessageFilter();
        filter.Queue.Add("deferred");
        var deferred = QueueOperations.GetMessages(QueueSource.ReadMessages(_f.Source), filter).Select(o => o.Value!).ToList();
        var lint = new Outage.Tools.Core.Mime.MimeLintRequest { ThrottleLimit = 2 };
        foreach (var m in deferred)
        {
            lint.Inputs.Add(Outage.Tools.Core.Mime.MimeInput.FromMessage(m));
        }

        var reports = Outage.Tools.Core.Mime.MimeLint.Run(lint).Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();
        Assert.Equal(deferred.Count, reports.Count);
        var poison = reports.Where(r => r.ErrorCount > 0).Select(r => Assert.IsType<QueueMessage>(r.Message)).ToList();
        Assert.All(reports.Where(r => r.ErrorCount > 0), r => Assert.Contains(r.Findings, f => f.Rule == "boundary-close-missing"));

        // An independent oracle on the same bytes: a multipart without its close delimiter (RFC 2046 section 5.1.1).
        var expected = deferred.Where(m =>
        {
            using var s = ((IMessageContent)m).OpenContent(CancellationToken.None);
            var text = new StreamReader(s, Encoding.Latin1).ReadToEnd();
            var boundary = Regex.Match(text, "boundary=\"([^\"]+)\"");
            return boundary.Success && !text.Contains("--" + boundary.Groups[1].Value + "--", StringComparison.Ordinal);
        }).Select(m => m.Id).OrderBy(x => x).ToList();
        Assert.InRange(expected.Count, 20, 23); // every 13th of 299 messages, less any the action test deleted
        Assert.Equal(expected, poison.Select(m => m.Id).OrderBy(x => x).ToList());

        Assert.All(QueueActions.Apply(poison, QueueAction.Hold), o => Assert.True(o.Value!.Succeeded));
        var mailq = Mailq();
        Assert.All(poison, m => Assert.Equal("!", mailq[m.Id]));
        Assert.Equal(poison.Count, mailq.Values.Count(mark => mark == "!"));
        Assert.All(QueueActions.Apply(_f.List().Where(m => m.Queue == "hold").ToList(), QueueAction.Release), o => Assert.True(o.Value!.Succeeded));
    }
}
