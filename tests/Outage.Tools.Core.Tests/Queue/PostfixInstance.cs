using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Outage.Tools.Core.Tests.Queue;

/// <summary>
/// A private Postfix instance on 127.0.0.1 in a temp folder (../shared/reference/real-peers.md, section 2): the
/// relayhost is a closed loopback port, so all mail defers. Started once per test class, stopped in Dispose.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostfixInstance : IDisposable
{
    public const string InstallHint = "Postfix is not installed: run 'bash tests/peers/install.sh' as root (apt-get install postfix).";

    /// <param name="extraMainCf">main.cf lines appended after the defaults (a later line wins), e.g. transport_maps.</param>
    public PostfixInstance(string? extraMainCf = null)
    {
        if (!File.Exists("/usr/sbin/postfix") || !File.Exists("/usr/sbin/postqueue") || !File.Exists("/usr/sbin/qshape"))
        {
            throw new InvalidOperationException(InstallHint);
        }

        Root = Directory.CreateTempSubdirectory("outage-postfix-").FullName;
        // The postfix user must reach the spool and data folders under it.
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        ConfigDirectory = Path.Combine(Root, "etc");
        foreach (var d in new[] { "etc", "spool", "data", "log" })
        {
            Directory.CreateDirectory(Path.Combine(Root, d));
        }

        Port = FreePort();
        File.WriteAllText(Path.Combine(ConfigDirectory, "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {Root}/spool
            data_directory = {Root}/data
            maillog_file = {Root}/log/postfix.log
            maillog_file_prefixes = {Root}/log, /dev/stdout
            myhostname = mx.vm.test
            mydomain = vm.test
            myorigin = $myhostname
            mydestination =
            local_recipient_maps =
            alias_maps =
            alias_database =
            inet_interfaces = loopback-only
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            relayhost = [127.0.0.1]:{FreePort()}
            smtp_dns_support_level = disabled
            smtpd_peername_lookup = no
            biff = no
            queue_run_delay = 3600s
            minimal_backoff_time = 3600s
            maximal_backoff_time = 7200s
            """.Replace("            ", string.Empty) + Environment.NewLine + (extraMainCf ?? string.Empty) + Environment.NewLine);
        // Debian's master.cf with smtpd on our port and chroot off everywhere (real-peers.md).
        var master = new StringBuilder();
        foreach (var line in File.ReadAllLines("/etc/postfix/master.cf.proto"))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && line[0] != '#' && fields.Length >= 8)
            {
                if (fields[0] == "smtp" && fields[1] == "inet")
                {
                    fields[0] = $"127.0.0.1:{Port}";
                }

                fields[4] = "n";
                master.AppendLine(string.Join(' ', fields));
            }
            else
            {
                master.AppendLine(line);
            }
        }

        File.WriteAllText(Path.Combine(ConfigDirectory, "master.cf"), master.ToString());
        Run("chown", "postfix", Path.Combine(Root, "data"));
        Run("/usr/sbin/postfix", "-c", ConfigDirectory, "check");
        Run("/usr/sbin/postfix", "-c", ConfigDirectory, "start");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Listening())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Postfix did not listen on 127.0.0.1:{Port} within 30 s; see {Root}/log/postfix.log");
            }

            Thread.Sleep(100);
        }
    }

    public string Root { get; }

    public string ConfigDirectory { get; }

    public int Port { get; }

    /// <summary>Postfix's own log (maillog_file, written by postlogd).</summary>
    public string LogPath => Path.Combine(Root, "log", "postfix.log");

    /// <summary>Sends messages over SMTP; each tuple is (sender, recipients, exact message bytes with CRLF).</summary>
    public void Send(IEnumerable<(string From, string[] To, byte[] Data)> messages)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, Port);
        using var stream = client.GetStream();
        stream.ReadTimeout = 30000;
        var reader = new StreamReader(stream, Encoding.ASCII);
        void Expect(string code)
        {
            string? line;
            do
            {
                line = reader.ReadLine() ?? throw new IOException("connection closed");
            }
            while (line.Length > 3 && line[3] == '-');
            if (!line.StartsWith(code, StringComparison.Ordinal))
            {
                throw new IOException($"expected {code}, got {line}");
            }
        }

        void Send(string s)
        {
            var b = Encoding.ASCII.GetBytes(s + "\r\n");
            stream.Write(b, 0, b.Length);
        }

        Expect("220");
        Send("EHLO test.local");
        Expect("250");
        var n = 0;
        foreach (var (from, to, data) in messages)
        {
            Send($"MAIL FROM:<{from}>");
            Expect("250");
            foreach (var r in to)
            {
                Send($"RCPT TO:<{r}>");
                Expect("250");
            }

            Send("DATA");
            Expect("354");
            // Dot-stuffing (RFC 5321 section 4.5.2).
            var text = Encoding.Latin1.GetString(data);
            var stuffed = string.Join("\r\n", text.Split("\r\n").Select(l => l.StartsWith('.') ? "." + l : l));
            var bytes = Encoding.Latin1.GetBytes(stuffed.EndsWith("\r\n", StringComparison.Ordinal) ? stuffed : stuffed + "\r\n");
            stream.Write(bytes, 0, bytes.Length);
            Send(".");
            Expect("250");
            if (++n % 100 == 0)
            {
                Send("RSET");
                Expect("250");
            }
        }

        Send("QUIT");
    }

    /// <summary>Waits until postqueue -j lists <paramref name="count"/> messages, none in incoming/active.</summary>
    public void WaitForSettled(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var lines = Run("/usr/sbin/postqueue", "-c", ConfigDirectory, "-j").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length == count && lines.All(l => l.Contains("\"queue_name\": \"deferred\"", StringComparison.Ordinal) || l.Contains("\"queue_name\": \"hold\"", StringComparison.Ordinal)))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The queue did not settle at {count} deferred/held messages within 120 s (has {lines.Length}).");
            }

            Thread.Sleep(200);
        }
    }

    public string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} did not finish in 120 s");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        }

        return output;
    }

    private bool Listening()
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            Run("/usr/sbin/postfix", "-c", ConfigDirectory, "stop");
            var pidFile = Path.Combine(Root, "spool", "pid", "master.pid");
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (File.Exists(pidFile) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
        catch (InvalidOperationException)
        {
        }

        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }
    }
}
