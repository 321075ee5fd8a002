using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Outage.Tools.Core.Tests.Queue;

namespace Outage.Tools.Core.Tests.Logs;

/// <summary>
/// A log written by a real private Postfix (<see cref="PostfixInstance"/>): mail to sink.test is delivered to an
/// smtp-sink, mail to bounce.test goes to an smtp-sink that rejects RCPT (5xx: bounced), mail to rejected.test is
/// refused by smtpd, and everything else defers at the dead relayhost. The log is copied out before Postfix stops.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostfixLogFixture : IDisposable
{
    public const int Delivered = 6;
    public const int Bounced = 2;
    public const int Deferred = 3;
    public const int Rejected = 2;

    private readonly List<Process> _sinks = new();

    public PostfixLogFixture()
    {
        var sink = PostfixInstance.FreePort();
        var rejecting = PostfixInstance.FreePort();
        StartSink(sink);
        StartSink(rejecting, "-f", "RCPT");
        using (var postfix = new PostfixInstance($"""
            transport_maps = inline:{"{"}{"{"}sink.test=smtp:[127.0.0.1]:{sink}{"}"}, {"{"}bounce.test=smtp:[127.0.0.1]:{rejecting}{"}"}{"}"}
            smtpd_recipient_restrictions = check_recipient_access inline:{"{"}{"{"}rejected.test=REJECT no mail for this domain here{"}"}{"}"}, permit_mynetworks, reject
            queue_run_delay = 3600s
            """))
        {
            var messages = new List<(string, string)>();
            for (var i = 0; i < Delivered; i++)
            {
                messages.Add(($"alice{i}@example.test", $"user{i}@sink.test"));
            }

            for (var i = 0; i < Bounced; i++)
            {
                messages.Add(("bob@example.test", $"nobody{i}@bounce.test"));
            }

            for (var i = 0; i < Deferred; i++)
            {
                messages.Add(("carol@example.test", $"someone{i}@dead.test"));
            }

            for (var i = 0; i < Rejected; i++)
            {
                messages.Add(("mallory@example.test", $"x{i}@rejected.test"));
            }

            Send(postfix.Port, messages);
            // Wait for every delivery attempt (sent, bounced, deferred) to be logged.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                var text = File.Exists(postfix.LogPath) ? ReadShared(postfix.LogPath) : string.Empty;
                // The bounce notices to the senders of bounce.test mail defer at the dead relay too.
                var attempts = CountOf(text, ", status=sent") + CountOf(text, ", status=bounced") + CountOf(text, ", status=deferred");
                if (CountOf(text, ", status=sent") >= Delivered && CountOf(text, ", status=bounced") >= Bounced
                    && CountOf(text, ", status=deferred") >= Deferred + Bounced && CountOf(text, ": removed") >= Delivered + Bounced)
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Postfix logged only {attempts} delivery attempts in 90 s:\n{text}");
                }

                Thread.Sleep(200);
            }

            LogPath = Path.Combine(Directory.CreateTempSubdirectory("outage-maillog-").FullName, "postfix.log");
            File.WriteAllText(LogPath, ReadShared(postfix.LogPath));
        }

        foreach (var p in _sinks)
        {
            Stop(p);
        }
    }

    /// <summary>A copy of Postfix's maillog_file.</summary>
    public string LogPath { get; }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    private static string ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(s).ReadToEnd();
    }

    private void StartSink(int port, params string[] options)
    {
        var psi = new ProcessStartInfo("/usr/sbin/smtp-sink") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add("postfix");
        foreach (var o in options)
        {
            psi.ArgumentList.Add(o);
        }

        psi.ArgumentList.Add($"127.0.0.1:{port}");
        psi.ArgumentList.Add("10");
        var p = Process.Start(psi)!;
        _sinks.Add(p);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !p.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static void Stop(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill();
                p.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        p.Dispose();
    }

    /// <summary>One SMTP session; a refused RCPT is answered with RSET (the message is not sent).</summary>
    private static void Send(int port, IEnumerable<(string From, string To)> messages)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using var stream = client.GetStream();
        stream.ReadTimeout = 30000;
        var reader = new StreamReader(stream, Encoding.ASCII);
        string Reply()
        {
            string line;
            do
            {
                line = reader.ReadLine() ?? throw new IOException("connection closed");
            }
            while (line.Length > 3 && line[3] == '-');
            return line;
        }

        void Write(string s)
        {
            var b = Encoding.ASCII.GetBytes(s + "\r\n");
            stream.Write(b, 0, b.Length);
        }

        Reply();
        Write("EHLO client.example.test");
        Reply();
        var n = 0;
        foreach (var (from, to) in messages)
        {
            Write($"MAIL FROM:<{from}>");
            Reply();
            Write($"RCPT TO:<{to}>");
            if (!Reply().StartsWith("250", StringComparison.Ordinal))
            {
                Write("RSET");
                Reply();
                continue;
            }

            Write("DATA");
            Reply();
            Write($"From: <{from}>\r\nTo: <{to}>\r\nSubject: log test {n}\r\nMessage-ID: <log-test-{n++}@example.test>\r\n\r\nHello.\r\n.");
            var r = Reply();
            if (!r.StartsWith("250", StringComparison.Ordinal))
            {
                throw new IOException($"DATA refused: {r}");
            }
        }

        Write("QUIT");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(LogPath)!, true);
        }
        catch (IOException)
        {
        }
    }
}
