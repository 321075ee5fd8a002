using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Outage.Tools.Core.Tests.Queue;
using Xunit;

namespace Outage.Tools.Core.Tests.Logs;

/// <summary>
/// A real private Exim 4 daemon (unpacked beside Postfix, tests/peers/install.d/queue-exim.sh) on a loopback port,
/// fed over SMTP directly and through a private Postfix relaying to it (client -> Postfix -> Exim -> smtp-sink):
/// mail to sink.test is delivered to an smtp-sink on 127.0.0.1 that dumps every message to a file, mail to
/// bounce.test goes to an smtp-sink on 127.0.0.2 that refuses RCPT (5xx: "**"), mail to dead.test (and the bounce
/// notices) defer at 127.0.0.3 where nothing listens ("=="), and mail to rejected.test is refused by the RCPT ACL.
/// The daemon only queues (-odq): deliveries are two queue runs by root after a pause, so the last hop of a
/// delivered message is measurably later than Exim's receipt. (A daemon child re-executing exim with -C would lose
/// root privilege and could not write the main log, since Debian's exim trusts only /etc/exim4/trusted_configs.)
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EximRelayFixture : IDisposable
{
    /// <summary>Messages sent straight to Exim, by outcome (one recipient each, except <see cref="TwoRecipients"/>).</summary>
    public const int Delivered = 4;
    public const int Bounced = 2;
    public const int Deferred = 3;
    public const int Rejected = 2;

    /// <summary>Messages sent to Postfix, relayed to Exim and delivered to the sink.</summary>
    public const int Relayed = 2;

    /// <summary>The pause between Exim's receipt and its queue run.</summary>
    public static readonly TimeSpan QueuePause = TimeSpan.FromSeconds(3);

    public const string Binary = EximQueueFixture.Binary;

    private readonly List<Process> _processes = new();

    public EximRelayFixture()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"Exim is not unpacked at {Binary}: run 'bash tests/peers/install.sh' as root.");
        }

        Root = Directory.CreateTempSubdirectory("outage-exim-relay-").FullName;
        try
        {
            Setup();
        }
        catch
        {
            Dispose();
            throw;
        }

        StopAll();
    }

    private void Setup()
    {
        File.SetUnixFileMode(Root, (UnixFileMode)0x1ED);
        foreach (var d in new[] { "spool", "log", "sink" })
        {
            Directory.CreateDirectory(Path.Combine(Root, d));
        }

        File.SetUnixFileMode(Path.Combine(Root, "sink"), (UnixFileMode)0x1FF); // smtp-sink writes as the postfix user
        var sink = PostfixInstance.FreePort();
        var refusing = PostfixInstance.FreePort();
        var dead = PostfixInstance.FreePort();
        EximPort = PostfixInstance.FreePort();
        Start("/usr/sbin/smtp-sink", "-u", "postfix", "-d", Path.Combine(Root, "sink") + "/%H%M%S.", $"127.0.0.1:{sink}", "10");
        WaitListening(IPAddress.Loopback, sink);
        Start("/usr/sbin/smtp-sink", "-u", "postfix", "-f", "RCPT", $"127.0.0.2:{refusing}", "10");
        WaitListening(IPAddress.Parse("127.0.0.2"), refusing);
        Config = Path.Combine(Root, "exim.conf");
        File.WriteAllText(Config, $"""
            exim_path = {Binary}
            primary_hostname = relay.vm.test
            domainlist local_domains = relay.vm.test
            spool_directory = {Root}/spool
            log_file_path = {Root}/log/%slog
            log_selector = +queue_time_overall +deliver_time +queue_time
            exim_user = mail
            exim_group = mail
            never_users =
            qualify_domain = relay.vm.test
            acl_smtp_rcpt = acl_check_rcpt
            keep_environment =
            host_lookup =
            rfc1413_hosts =
            tls_advertise_hosts =
            local_interfaces = 127.0.0.1
            begin acl
            acl_check_rcpt:
              deny domains = rejected.test
                   message = no mail for this domain here
              accept
            begin routers
            sink:
              driver = manualroute
              domains = sink.test
              route_list = * 127.0.0.1::{sink}
              transport = remote_smtp
              self = send
            refusing:
              driver = manualroute
              domains = bounce.test
              route_list = * 127.0.0.2::{refusing}
              transport = remote_smtp
              self = send
            dead:
              driver = manualroute
              domains = ! +local_domains
              route_list = * 127.0.0.3::{dead}
              transport = remote_smtp
              self = send
            begin transports
            remote_smtp:
              driver = smtp
              allow_localhost
            begin retry
            *   *   F,2h,15m
            """.Replace("            ", string.Empty));
        EximQueueFixture.Run("chown", null, "-R", "mail:mail", Path.Combine(Root, "spool"), Path.Combine(Root, "log"));
        Start(Binary, "-C", Config, "-bdf", "-odq", "-oX", EximPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WaitListening(IPAddress.Loopback, EximPort);

        var direct = new List<(string From, string[] To)>();
        for (var i = 0; i < Delivered; i++)
        {
            direct.Add(($"alice{i}@example.test", i == 0 ? TwoRecipients : new[] { $"user{i}@sink.test" }));
        }

        for (var i = 0; i < Bounced; i++)
        {
            direct.Add(("bob@example.test", new[] { $"nobody{i}@bounce.test" }));
        }

        for (var i = 0; i < Deferred; i++)
        {
            direct.Add(("carol@example.test", new[] { $"someone{i}@dead.test" }));
        }

        for (var i = 0; i < Rejected; i++)
        {
            direct.Add(("mallory@example.test", new[] { $"x{i}@rejected.test" }));
        }

        Send(EximPort, "client.example.test", direct, "direct");

        using (var postfix = new PostfixInstance($"transport_maps = inline:{"{"}{"{"}sink.test=smtp:[127.0.0.1]:{EximPort}{"}"}{"}"}"))
        {
            Send(postfix.Port, "client.example.test", Enumerable.Range(0, Relayed).Select(i => ("dave@example.test", new[] { $"relayed{i}@sink.test" })).ToList(), "relayed");
            WaitFor(() => CountOf(Read(MainLog), " <= dave@example.test ") >= Relayed, "Exim to receive the messages Postfix relays");
            WaitFor(() => CountOf(Read(postfix.LogPath), "status=sent") >= Relayed, "Postfix to log its relays as sent");
            PostfixLog = Read(postfix.LogPath);
        }

        // The queue waits, then root runs it twice: deliveries, bounces, deferrals, then the deferrals again.
        Thread.Sleep(QueuePause);
        EximQueueFixture.Run(Binary, null, "-C", Config, "-qf");
        EximQueueFixture.Run(Binary, null, "-C", Config, "-qf");
        WaitFor(() => Directory.GetFiles(Path.Combine(Root, "sink")).Length >= Delivered + Relayed, "the sink to hold every delivered message");
        LogPath = Path.Combine(Root, "mainlog.copy");
        File.WriteAllText(LogPath, Read(MainLog));
    }

    public static readonly string[] TwoRecipients = { "user0@sink.test", "copy0@sink.test" };

    public string Root { get; }

    public string Config { get; private set; } = string.Empty;

    public int EximPort { get; private set; }

    /// <summary>Exim's main log as the daemon and queue runs wrote it (a copy taken after the runs).</summary>
    public string LogPath { get; private set; } = string.Empty;

    /// <summary>The private Postfix's log of the relayed messages.</summary>
    public string PostfixLog { get; private set; } = string.Empty;

    private string MainLog => Path.Combine(Root, "log", "mainlog");

    /// <summary>The messages the sink received, each as written by smtp-sink -d (its own Received field on top).</summary>
    public IEnumerable<string> DeliveredMessages() => Directory.GetFiles(Path.Combine(Root, "sink")).OrderBy(f => f, StringComparer.Ordinal);

    public static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    public static string Read(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(s).ReadToEnd();
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after 60 s waiting for {what}.");
            }

            Thread.Sleep(100);
        }
    }

    private void Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        _processes.Add(Process.Start(psi)!);
    }

    private void WaitListening(IPAddress address, int port)
    {
        WaitFor(() =>
        {
            if (_processes[^1].HasExited)
            {
                throw new InvalidOperationException($"{_processes[^1].StartInfo.FileName} exited: {_processes[^1].StandardError.ReadToEnd()}");
            }

            try
            {
                using var c = new TcpClient();
                c.Connect(address, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"{address}:{port} to listen");
    }

    /// <summary>One SMTP session; a refused RCPT is answered with RSET (the message is not sent).</summary>
    private static void Send(int port, string helo, IReadOnlyList<(string From, string[] To)> messages, string tag)
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
        Write($"EHLO {helo}");
        Reply();
        var n = 0;
        foreach (var (from, to) in messages)
        {
            Write($"MAIL FROM:<{from}>");
            Reply();
            var accepted = 0;
            foreach (var r in to)
            {
                Write($"RCPT TO:<{r}>");
                accepted += Reply().StartsWith("250", StringComparison.Ordinal) ? 1 : 0;
            }

            if (accepted == 0)
            {
                Write("RSET");
                Reply();
                continue;
            }

            Write("DATA");
            Reply();
            Write($"From: <{from}>\r\nTo: <{string.Join(">, <", to)}>\r\nSubject: {tag} {n}\r\nMessage-ID: <{tag}-{n++}@example.test>\r\n\r\nHello.\r\n.");
            var r2 = Reply();
            if (!r2.StartsWith("250", StringComparison.Ordinal))
            {
                throw new IOException($"DATA refused: {r2}");
            }
        }

        Write("QUIT");
        Reply();
    }

    private void StopAll()
    {
        foreach (var p in _processes)
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

        _processes.Clear();
    }

    public void Dispose()
    {
        StopAll();
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EximRelayCollection : ICollectionFixture<EximRelayFixture>
{
    public const string Name = "Exim relay";
}
