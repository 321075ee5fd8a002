using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Tests.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>
/// Evidence for the rules about Postfix limits (header_size_limit, hopcount_limit, mime_nesting_limit,
/// message_size_limit, postconf(5)): a message the linter flags is refused, bounced or rewritten by a real Postfix
/// with its default limits, and a message just under the limit passes it unharmed. Two private Postfix instances on
/// loopback: <see cref="Peers.Relay"/> has the stock content settings and relays to an smtp-sink (which keeps every
/// delivered copy) that does not announce 8BITMIME; <see cref="Peers.Filtering"/> runs header_checks, the common
/// relay set-up under which cleanup reports MIME errors.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostfixLimitsTests : IClassFixture<PostfixLimitsTests.Peers>
{
    private readonly Peers _p;

    public PostfixLimitsTests(Peers peers) => _p = peers;

    private static MimeMessageReport Lint(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return MimeLint.LintStream(stream, "t", false).Single();
    }

    private static byte[] Message(string id, string extraHeader, string body = "body\r\n", string before = "") =>
        Encoding.Latin1.GetBytes(before + $"From: a@example.org\r\nTo: u@example.org\r\nDate: Mon, 30 Nov 2026 08:00:00 +0000\r\nMessage-ID: <{id}@example.org>\r\nSubject: {id}\r\n" + extraHeader + "\r\n" + body);

    /// <summary>A folded X-Long field that Postfix measures as <paramref name="size"/> octets (lines joined by one LF).</summary>
    private static List<string> FoldedField(int size)
    {
        var lines = new List<string> { "X-Long: " + new string('a', 60) };
        var total = lines[0].Length;
        while (total < size)
        {
            var rest = size - total - 1; // the line break Postfix counts
            var take = rest > 72 ? 70 : rest; // never leave a remainder too short for " x"
            lines.Add(" " + new string('b', take - 1));
            total += 1 + take;
        }

        Assert.Equal(size, total);
        return lines;
    }

    [Fact]
    public void HeaderSizeLimit_Postfix_drops_the_folded_lines_of_a_longer_field_and_keeps_one_at_the_limit()
    {
        var results = new Dictionary<int, (List<string> Lines, string QueueId)>();
        foreach (var size in new[] { 102400, 102401 })
        {
            var lines = FoldedField(size);
            var bytes = Message($"hdr{size}", string.Join("\r\n", lines) + "\r\nX-After: kept\r\n");
            var report = Lint(bytes);
            var finding = report.Findings.SingleOrDefault(f => f.Rule == "header-too-long");
            if (size == 102400)
            {
                Assert.True(finding is null, Describe(report));
                Assert.Equal(MimeVerdict.Clean, report.Verdict);
            }
            else
            {
                Assert.True(finding is not null, Describe(report));
                Assert.Equal(Encoding.Latin1.GetString(bytes).IndexOf("X-Long:", StringComparison.Ordinal), finding!.Offset);
                Assert.Equal(MimeVerdict.Poison, report.Verdict);
            }

            var reply = Smtp.Send(_p.Relay.Port, bytes);
            Assert.StartsWith("250", reply, StringComparison.Ordinal);
            results[size] = (lines, Smtp.QueueId(reply));
        }

        foreach (var (size, (lines, queueId)) in results)
        {
            _p.WaitForLog(_p.Relay, $"{queueId}: to=<u@example.org>", "status=sent");
            var copy = _p.DeliveredCopy($"hdr{size}");
            var start = copy.IndexOf("X-Long:", StringComparison.Ordinal);
            var end = copy.IndexOf("\nX-After: kept\n", start, StringComparison.Ordinal);
            Assert.True(start > 0 && end > start, $"the delivered copy of hdr{size} lost X-Long or X-After");
            var delivered = copy.Substring(start, end - start);
            var sent = string.Join("\n", lines);
            if (size == 102400)
            {
                Assert.Equal(sent, delivered);
            }
            else
            {
                // cleanup kept the lines that fit and dropped the rest of the field: the recipient gets another header.
                Assert.True(delivered.Length < sent.Length && sent.StartsWith(delivered, StringComparison.Ordinal),
                    $"expected a truncated X-Long, got {delivered.Length} of {sent.Length} octets");
                Assert.Equal(string.Join("\n", lines.Take(lines.Count - 1)), delivered);
            }
        }
    }

    [Fact]
    public void HopcountLimit_Postfix_refuses_49_Received_fields_as_a_loop_and_accepts_48()
    {
        static string Received(int n) => string.Concat(Enumerable.Range(0, n).Select(i =>
            $"Received: from h{i}.example.org by h{i + 1}.example.org; Mon, 30 Nov 2026 08:00:00 +0000\r\n"));

        var ok = Message("hop48", string.Empty, before: Received(48));
        var okReport = Lint(ok);
        Assert.DoesNotContain(okReport.Findings, f => f.Rule == "received-hop-count");
        Assert.Equal(MimeVerdict.Clean, okReport.Verdict);
        Assert.StartsWith("250", Smtp.Send(_p.Relay.Port, ok), StringComparison.Ordinal);

        var loop = Message("hop49", string.Empty, before: Received(49));
        var report = Lint(loop);
        var f = Assert.Single(report.Findings, x => x.Rule == "received-hop-count");
        Assert.Equal(Encoding.Latin1.GetString(loop).IndexOf("Received: from h48.", StringComparison.Ordinal), f.Offset);
        Assert.Equal(MimeVerdict.Poison, report.Verdict);
        Assert.Equal("554 5.4.0 Error: too many hops", Smtp.Send(_p.Relay.Port, loop));
    }

    private static byte[] NestedMultiparts(string id, int levels, bool eightBit)
    {
        var part = eightBit
            ? "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\u00c3\u00bc\u00c3\u009fe\r\n"
            : "Content-Type: text/plain\r\n\r\nleaf\r\n";
        for (var i = 0; i < levels; i++)
        {
            var b = $"nest-{i:D4}";
            part = $"Content-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\n--{b}\r\n{part}\r\n--{b}--\r\n";
        }

        // The top-level header ends with the outermost Content-Type (part starts with it).
        var head = Encoding.Latin1.GetString(Message(id, "MIME-Version: 1.0\r\n", body: string.Empty));
        return Encoding.Latin1.GetBytes(head.Substring(0, head.Length - 2) + part);
    }

    [Fact]
    public void MimeNestingLimit_a_filtering_Postfix_refuses_103_multipart_levels_and_accepts_102()
    {
        var ok = NestedMultiparts("nest102", 102, eightBit: false);
        var okReport = Lint(ok);
        Assert.DoesNotContain(okReport.Findings, f => f.Rule == "nesting-too-deep");
        Assert.Equal(MimeVerdict.Clean, okReport.Verdict);
        Assert.StartsWith("250", Smtp.Send(_p.Filtering.Port, ok), StringComparison.Ordinal);

        var deep = NestedMultiparts("nest103", 103, eightBit: false);
        var report = Lint(deep);
        var f = Assert.Single(report.Findings, x => x.Rule == "nesting-too-deep");
        Assert.Equal(Encoding.Latin1.GetString(deep).IndexOf("Content-Type: multipart/mixed; boundary=\"nest-0000\"", StringComparison.Ordinal), f.Offset);
        Assert.True(f.Poison);
        Assert.Equal(MimeVerdict.Poison, report.Verdict);
        Assert.Equal("550 5.6.0 MIME nesting exceeds safety limit", Smtp.Send(_p.Filtering.Port, deep));
    }

    [Fact]
    public void MimeNestingLimit_a_stock_Postfix_bounces_103_levels_of_8bit_mail_to_a_7bit_next_hop_and_delivers_102()
    {
        var ok = NestedMultiparts("nest8-102", 102, eightBit: true);
        Assert.DoesNotContain(Lint(ok).Findings, f => f.Rule == "nesting-too-deep");
        var okId = Smtp.QueueId(Smtp.Send(_p.Relay.Port, ok, eightBitMime: true));
        var deep = NestedMultiparts("nest8-103", 103, eightBit: true);
        Assert.Contains(Lint(deep).Findings, f => f.Rule == "nesting-too-deep" && f.Poison);
        var deepId = Smtp.QueueId(Smtp.Send(_p.Relay.Port, deep, eightBitMime: true));

        // Accepted by smtpd (no content checks), then the SMTP client cannot downgrade it to 7bit for the next hop.
        var bounced = _p.WaitForLog(_p.Relay, $"{deepId}: to=<u@example.org>", "status=");
        Assert.Contains("dsn=5.6.0, status=bounced (MIME nesting exceeds safety limit)", bounced, StringComparison.Ordinal);
        Assert.Contains("status=sent", _p.WaitForLog(_p.Relay, $"{okId}: to=<u@example.org>", "status="), StringComparison.Ordinal);
        Assert.Contains("Content-Transfer-Encoding: quoted-printable", _p.DeliveredCopy("nest8-102"), StringComparison.Ordinal);
    }

    [Fact]
    public void MimeNestingLimit_message_rfc822_levels_do_not_count_for_Postfix_so_the_finding_is_not_poison()
    {
        // 103 levels, every other one a message/rfc822 part: Postfix pushes no boundary for those.
        var inner = "Content-Type: text/plain\r\n\r\nleaf\r\n";
        for (var i = 0; i < 103; i++)
        {
            inner = i % 2 == 0
                ? $"Content-Type: message/rfc822\r\n\r\nSubject: level {i}\r\n{inner}"
                : $"Content-Type: multipart/mixed; boundary=\"n{i:D4}\"\r\n\r\n--n{i:D4}\r\n{inner}\r\n--n{i:D4}--\r\n";
        }

        var head = Encoding.Latin1.GetString(Message("rfc822", "MIME-Version: 1.0\r\n", body: string.Empty));
        var report = Lint(Encoding.Latin1.GetBytes(head.Substring(0, head.Length - 2) + inner));
        var f = Assert.Single(report.Findings, x => x.Rule == "nesting-too-deep");
        Assert.False(f.Poison, f.Message);
        Assert.Equal(MimeVerdict.Nonconforming, report.Verdict);
    }

    private static byte[] SizedMessage(string id, int size)
    {
        var head = Message(id, string.Empty, body: string.Empty);
        var sb = new StringBuilder(size);
        sb.Append(Encoding.Latin1.GetString(head));
        var line = new string('x', 76) + "\r\n";
        while (sb.Length + line.Length <= size - 4)
        {
            sb.Append(line);
        }

        sb.Append('y', size - sb.Length - 2).Append("\r\n");
        var bytes = Encoding.Latin1.GetBytes(sb.ToString());
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    [Fact]
    public void MessageSizeLimit_Postfix_refuses_a_larger_message_and_delivers_one_a_kilobyte_under()
    {
        var ok = SizedMessage("size-under", 10_239_000);
        var okReport = Lint(ok);
        Assert.DoesNotContain(okReport.Findings, f => f.Rule == "size-limit");
        Assert.Equal(MimeVerdict.Clean, okReport.Verdict);
        var okId = Smtp.QueueId(Smtp.Send(_p.Relay.Port, ok));

        var big = SizedMessage("size-over", 10_240_001);
        var report = Lint(big);
        var f = Assert.Single(report.Findings, x => x.Rule == "size-limit");
        Assert.Equal(10_240_000, f.Offset);
        Assert.Equal(MimeVerdict.Poison, report.Verdict);
        Assert.Equal("552 5.3.4 Error: message file too big", Smtp.Send(_p.Relay.Port, big));

        Assert.Contains("status=sent", _p.WaitForLog(_p.Relay, $"{okId}: to=<u@example.org>", "status="), StringComparison.Ordinal);
        // The whole body arrived (smtp-sink writes LF line ends and a blank line after the message).
        var sent = Encoding.Latin1.GetString(ok).Replace("\r\n", "\n", StringComparison.Ordinal);
        var body = sent.Substring(sent.IndexOf("\n\n", StringComparison.Ordinal));
        Assert.EndsWith(body + "\n", _p.DeliveredCopy("size-under"), StringComparison.Ordinal);
    }

    private static string Describe(MimeMessageReport r) => $"{r.Verdict}: {MimeTestKit.Describe(r.Findings)}";

    /// <summary>A minimal SMTP client that returns the server's answer to the message instead of throwing.</summary>
    private static class Smtp
    {
        /// <summary>Sends one message; returns the reply to the end of DATA, or the first refusal before it.</summary>
        public static string Send(int port, byte[] data, bool eightBitMime = false)
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            using var stream = client.GetStream();
            stream.ReadTimeout = 60_000;
            var reader = new StreamReader(stream, Encoding.Latin1);
            string Reply()
            {
                string line;
                do
                {
                    line = reader.ReadLine() ?? throw new IOException("The SMTP server closed the connection.");
                }
                while (line.Length > 3 && line[3] == '-');
                return line;
            }

            void Write(string s)
            {
                var b = Encoding.ASCII.GetBytes(s + "\r\n");
                stream.Write(b, 0, b.Length);
            }

            Assert.StartsWith("220", Reply(), StringComparison.Ordinal);
            Write("EHLO test.local");
            Assert.StartsWith("250", Reply(), StringComparison.Ordinal);
            foreach (var command in new[] { "MAIL FROM:<a@example.org>" + (eightBitMime ? " BODY=8BITMIME" : string.Empty), "RCPT TO:<u@example.org>", "DATA" })
            {
                Write(command);
                var reply = Reply();
                if (!reply.StartsWith(command == "DATA" ? "354" : "250", StringComparison.Ordinal))
                {
                    return reply;
                }
            }

            // Dot-stuffing (RFC 5321 section 4.5.2), then the end of data.
            var text = Encoding.Latin1.GetString(data);
            var stuffed = string.Join("\r\n", text.Split("\r\n").Select(l => l.StartsWith('.') ? "." + l : l));
            var bytes = Encoding.Latin1.GetBytes((stuffed.EndsWith("\r\n", StringComparison.Ordinal) ? stuffed : stuffed + "\r\n") + ".\r\n");
            stream.Write(bytes, 0, bytes.Length);
            var answer = Reply();
            Write("QUIT");
            return answer;
        }

        /// <summary>The queue id of "250 2.0.0 Ok: queued as ID".</summary>
        public static string QueueId(string reply)
        {
            Assert.StartsWith("250", reply, StringComparison.Ordinal);
            return reply.Substring(reply.LastIndexOf(' ') + 1);
        }
    }

    /// <summary>The two Postfix instances and the smtp-sink, started once for the class.</summary>
    public sealed class Peers : IDisposable
    {
        private readonly Process _sink;

        public Peers()
        {
            DumpDirectory = Directory.CreateTempSubdirectory("outage-sink-").FullName;
            ChecksDirectory = Directory.CreateTempSubdirectory("outage-checks-").FullName;
            File.SetUnixFileMode(ChecksDirectory, (UnixFileMode)0x1ED); // 0755: cleanup runs as postfix
            // smtp-sink drops root privileges to nobody (-u), which must write the delivered copies.
            File.SetUnixFileMode(DumpDirectory, (UnixFileMode)0x1FF);
            var sinkPort = PostfixInstance.FreePort();
            var psi = new ProcessStartInfo("/usr/sbin/smtp-sink") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            // -8: no 8BITMIME, so Postfix must convert 8-bit mail to 7 bits for this next hop; -d: one file per message.
            foreach (var a in new[] { "-8", "-u", "nobody", "-d", Path.Combine(DumpDirectory, "m."), $"127.0.0.1:{sinkPort}", "10" })
            {
                psi.ArgumentList.Add(a);
            }

            _sink = Process.Start(psi)!;
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!Listening(sinkPort))
                {
                    if (_sink.HasExited || DateTime.UtcNow > deadline)
                    {
                        throw new InvalidOperationException($"smtp-sink did not listen on 127.0.0.1:{sinkPort}: {(_sink.HasExited ? _sink.StandardError.ReadToEnd() : "timeout")}");
                    }

                    Thread.Sleep(50);
                }

                Relay = new PostfixInstance($"relayhost = [127.0.0.1]:{sinkPort}");
                var checks = Path.Combine(ChecksDirectory, "header_checks");
                File.WriteAllText(checks, "/^X-Never-Seen-Here:/ WARN test rule\n");
                Filtering = new PostfixInstance($"header_checks = regexp:{checks}");
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Stock content settings; relays to the smtp-sink.</summary>
        public PostfixInstance Relay { get; } = null!;

        /// <summary>header_checks on; relays to a closed port (all mail defers).</summary>
        public PostfixInstance Filtering { get; } = null!;

        public string DumpDirectory { get; }

        public string ChecksDirectory { get; }

        /// <summary>Waits (at most 60 s) for a line of Postfix's log that contains both texts; returns it.</summary>
        public string WaitForLog(PostfixInstance postfix, string text, string also)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (File.Exists(postfix.LogPath))
                {
                    using var s = new FileStream(postfix.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    var line = new StreamReader(s).ReadToEnd().Split('\n')
                        .FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal) && l.Contains(also, StringComparison.Ordinal));
                    if (line is not null)
                    {
                        return line;
                    }
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"No line with '{text}' and '{also}' in {postfix.LogPath} within 60 s.");
                }

                Thread.Sleep(100);
            }
        }

        /// <summary>The copy of the message with this Subject that the smtp-sink received (LF line ends).</summary>
        public string DeliveredCopy(string subject)
        {
            var copies = new List<string>();
            foreach (var file in Directory.GetFiles(DumpDirectory))
            {
                string text;
                try
                {
                    text = File.ReadAllText(file, Encoding.Latin1);
                }
                catch (FileNotFoundException)
                {
                    continue; // smtp-sink removes the file of a transaction that did not complete
                }

                if (text.Contains($"\nSubject: {subject}\n", StringComparison.Ordinal))
                {
                    copies.Add(text);
                }
            }

            return Assert.Single(copies);
        }

        private static bool Listening(int port)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            Relay?.Dispose();
            Filtering?.Dispose();
            try
            {
                if (!_sink.HasExited)
                {
                    _sink.Kill();
                    _sink.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _sink.Dispose();
            foreach (var d in new[] { DumpDirectory, ChecksDirectory })
            {
                try
                {
                    Directory.Delete(d, true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
