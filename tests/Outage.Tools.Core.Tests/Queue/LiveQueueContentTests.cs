using System.Text;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>
/// A live private Postfix whose relayhost is a dead loopback port, so everything defers with "Connection
/// refused": ordinary messages and poison ones (a multipart whose declared boundary never appears, a multipart with
/// a base64 transfer encoding), some with long lines (CONT records, nonconforming only) and lines with leading dots.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LivePostfixOutageFixture : IDisposable
{
    public LivePostfixOutageFixture()
    {
        Postfix = new PostfixInstance();
        Send(0, 40);
    }

    public PostfixInstance Postfix { get; }

    /// <summary>Message-IDs (without brackets) of the poison messages sent.</summary>
    public HashSet<string> PoisonMessageIds { get; } = new(StringComparer.Ordinal);

    public int Sent { get; private set; }

    public QueueSourceOptions Source => new() { Kind = QueueSourceKind.Postfix, ConfigDirectory = Postfix.ConfigDirectory };

    /// <summary>Sends <paramref name="count"/> messages numbered from <paramref name="first"/>; every 8th is poison, and every 5th has a line too long.</summary>
    public void Send(int first, int count)
    {
        var messages = new List<(string, string[], byte[])>();
        for (var i = first; i < first + count; i++)
        {
            var id = $"live{i}@vm.test";
            string body;
            if (i % 8 == 3)
            {
                PoisonMessageIds.Add(id);
                body = i % 16 == 3
                    // The declared boundary never appears: every part is preamble to RFC 2046, parts to lenient parsers.
                    ? $"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--other{i}\r\nContent-Type: text/plain\r\n\r\nhidden part\r\n--other{i}--\r\n"
                    // A multipart with a base64 transfer encoding (RFC 2045 section 6.4: only 7bit, 8bit, binary).
                    : $"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"e{i}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n--e{i}\r\nContent-Type: text/plain\r\n\r\npart\r\n--e{i}--\r\n";
            }
            else
            {
                // Every fifth has a 5,000-octet line: CONT records in the queue file; nonconforming (RFC 5322 section 2.1.1:
                // at most 998), but not poison: every MTA and client here reads it the same way.

                body = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + (i % 5 == 0 ? new string('y', 5000) + "\r\n" : string.Empty) + ".dot line\r\nhello\r\n";
            }

            var text = $"From: s@vm.test\r\nTo: u{i}@contoso.test\r\nSubject: live {i}\r\nMessage-ID: <{id}>\r\nDate: Sat, 21 Nov 2026 00:00:00 +0000\r\n{body}";
            messages.Add(("s@vm.test", i % 6 == 0 ? new[] { $"u{i}@contoso.test", $"c{i}@fabrikam.test" } : new[] { $"u{i}@contoso.test" }, Encoding.ASCII.GetBytes(text)));
        }

        Postfix.Send(messages);
        Sent += count;
        Postfix.WaitForSettled(Sent);
    }

    public List<QueueMessage> List(bool fromTool = false)
    {
        var o = Source;
        o.ContentFromTool = fromTool;
        return QueueSource.ReadMessages(o).Select(x => x.Kind == OutcomeKind.Result ? x.Value! : throw new InvalidOperationException(x.ToString())).ToList();
    }

    public static byte[] Content(QueueMessage m)
    {
        using var s = m.OpenContent(CancellationToken.None);
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>The Message-ID of queued content (the header as sent).</summary>
    public static string MessageId(byte[] content)
    {
        var text = Encoding.Latin1.GetString(content);
        var at = text.IndexOf("\r\nMessage-ID: <", StringComparison.Ordinal);
        var start = at + "\r\nMessage-ID: <".Length;
        return text.Substring(start, text.IndexOf('>', start) - start);
    }

    public void Dispose() => Postfix.Dispose();
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LiveQueueContentTests : IClassFixture<LivePostfixOutageFixture>, IClassFixture<EximQueueFixture>
{
    private readonly LivePostfixOutageFixture _postfix;
    private readonly EximQueueFixture _exim;

    public LiveQueueContentTests(LivePostfixOutageFixture postfix, EximQueueFixture exim) => (_postfix, _exim) = (postfix, exim);

    [Fact]
    public void Postfix_queue_files_read_directly_give_the_bytes_postcat_gives_for_every_message()
    {
        var direct = _postfix.List();
        var viaPostcat = _postfix.List(fromTool: true).ToDictionary(m => m.Id);
        Assert.Equal(_postfix.Sent, direct.Count);
        foreach (var m in direct)
        {
            var ours = LivePostfixOutageFixture.Content(m);
            Assert.Equal(LivePostfixOutageFixture.Content(viaPostcat[m.Id]), ours);
            Assert.StartsWith("Received: from ", Encoding.Latin1.GetString(ours), StringComparison.Ordinal);
        }

        // The files were read, not postcat: a spool reader on the same instance reads each one itself.
        var spool = new PostfixSpool(_postfix.Postfix.ConfigDirectory);
        Assert.All(direct, m => Assert.NotNull(spool.TryReadFile(m, out _)));
    }

    [Fact]
    public void The_lint_listing_from_the_queue_folders_has_the_ids_queues_and_postcat_bytes_of_postqueue_j()
    {
        // The lint lists a live Postfix from its queue folders (each file read once), not through postqueue -j.
        var fromFolders = PostfixQueue.ListForContent(_postfix.Source, CancellationToken.None)
            .Select(o => o.Kind == OutcomeKind.Result ? o.Value! : throw new InvalidOperationException(o.ToString())).ToList();
        var viaPostqueue = _postfix.List(fromTool: true).ToDictionary(m => m.Id);
        Assert.Equal(viaPostqueue.Keys.OrderBy(k => k, StringComparer.Ordinal), fromFolders.Select(m => m.Id).OrderBy(k => k, StringComparer.Ordinal));
        foreach (var m in fromFolders)
        {
            Assert.Equal(viaPostqueue[m.Id].Queue, m.Queue);
            Assert.Equal(viaPostqueue[m.Id].ContentName, m.ContentName);
            Assert.Equal(LivePostfixOutageFixture.Content(viaPostqueue[m.Id]), LivePostfixOutageFixture.Content(m));
        }

        // With content from the tool asked for, the listing is postqueue -j's (the fallback when the folders cannot be read).
        var o = _postfix.Source;
        o.ContentFromTool = true;
        Assert.All(PostfixQueue.ListForContent(o, CancellationToken.None), x => Assert.NotNull(x.Value!.Sender));
        Assert.Contains(PostfixQueue.ListForContent(o, CancellationToken.None), x => x.Value!.Sender == "s@vm.test");
    }

    [Fact]
    public void A_message_that_is_gone_falls_back_to_postcat_which_says_so()
    {
        var m = _postfix.List()[0];
        var ghost = new QueueMessage { Source = QueueSourceKind.Postfix, Id = "ABCDEF0123", Queue = "deferred", InstanceConfig = m.InstanceConfig };
        var spool = new PostfixSpool(_postfix.Postfix.ConfigDirectory);
        Assert.Null(spool.TryReadFile(ghost, out var reason));
        Assert.Contains("ABCDEF0123", reason, StringComparison.Ordinal);
        var ex = Assert.Throws<OutageException>(() => spool.Open(ghost, CancellationToken.None));
        Assert.Equal(ErrorIds.QueueMessageNotFound, ex.Error.ErrorId);
        Assert.Equal(1, spool.FallbackReads);
    }

    [Fact]
    public void A_file_that_is_not_a_queue_file_is_refused_with_its_reason()
    {
        var ex = Assert.Throws<InvalidDataException>(() => PostfixQueueFile.ReadContent(Encoding.ASCII.GetBytes("Hello: x\r\n"), 10));
        Assert.Contains("not a Postfix queue file", ex.Message, StringComparison.Ordinal);
        // A record whose length runs past the end of the file.
        var cut = new byte[] { (byte)'T', 0x05, (byte)'1' };
        Assert.Throws<InvalidDataException>(() => PostfixQueueFile.ReadContent(cut, cut.Length));
    }

    [Fact]
    public void Exim_spool_files_read_directly_give_the_bytes_exim_Mvh_Mvb_give_for_every_message()
    {
        var direct = QueueSource.ReadMessages(_exim.Source).Select(o => o.Value!).ToList();
        var tool = _exim.Source;
        tool.ContentFromTool = true;
        var viaExim = QueueSource.ReadMessages(tool).Select(o => o.Value!).ToDictionary(m => m.Id);
        Assert.NotEmpty(direct);
        var spool = new EximSpool(EximQueueFixture.Binary, _exim.Config);
        foreach (var m in direct)
        {
            Assert.NotNull(spool.TryReadFiles(m, out _));
            Assert.Equal(LivePostfixOutageFixture.Content(viaExim[m.Id]), LivePostfixOutageFixture.Content(m));
        }
    }
}
