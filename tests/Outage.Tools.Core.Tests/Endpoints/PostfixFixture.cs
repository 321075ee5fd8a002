using System.Security.Cryptography.X509Certificates;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>
/// A private Postfix instance (nothing in /etc/postfix is used or changed) on 127.0.0.1 and a free port, with
/// STARTTLS and a certificate from the in-memory test CA. Started per test class, stopped in Dispose.
/// A missing postfix binary fails the tests with the install hint (never a skip).
/// </summary>
public sealed class PostfixFixture : IDisposable
{
    public const string InstallHint = "postfix is not installed: run 'bash tests/peers/install.sh' as root (apt-get install postfix).";
    private readonly string? _dir;

    public PostfixFixture()
    {
        Pki = new TestPki();
        Postfix = new[] { "/usr/sbin/postfix", "/usr/bin/postfix" }.FirstOrDefault(File.Exists);
        if (Postfix is null || !File.Exists("/etc/postfix/master.cf.proto"))
        {
            StartError = InstallHint;
            return;
        }

        _dir = Directory.CreateTempSubdirectory("outage-postfix-").FullName;
        try
        {
            Port = FreePort();
            Setup(_dir);
            // Postfix daemons run as the postfix user: they must reach the tree and own data_directory.
            Run("/bin/chmod", $"755 {_dir}");
            Run("/bin/chown", $"postfix {_dir}/data");
            Run(Postfix, $"-c {_dir}/etc check");
            Run(Postfix, $"-c {_dir}/etc start");
            WaitForBanner();
        }
        catch (Exception ex)
        {
            StartError = "The private postfix did not start: " + ex.Message + " " + Log();
        }
    }

    public TestPki Pki { get; }

    public string? Postfix { get; }

    public int Port { get; }

    public string? StartError { get; }

    public void EnsureRunning() => Assert.True(StartError is null, StartError);

    private void Setup(string dir)
    {
        foreach (var sub in new[] { "etc", "spool", "data", "log", "tls" })
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
        }

        // The test CA signs the server certificate: the probe checks the chain through -TrustedRootCertificate.
        File.WriteAllText(Path.Combine(dir, "tls/cert.pem"), Pki.Valid.ExportCertificatePem() + "\n");
        using (var key = Pki.Valid.GetECDsaPrivateKey()!)
        {
            File.WriteAllText(Path.Combine(dir, "tls/key.pem"), key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        File.WriteAllText(Path.Combine(dir, "etc/main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {dir}/spool
            data_directory = {dir}/data
            maillog_file = {dir}/log/postfix.log
            maillog_file_prefixes = {dir}/log, /dev/stdout
            myhostname = mail.contoso.test
            mydomain = contoso.test
            myorigin = $myhostname
            mydestination =
            local_recipient_maps =
            alias_maps =
            alias_database =
            inet_interfaces = loopback-only
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            smtpd_recipient_restrictions = check_recipient_access inline:{"{ { blocked@contoso.test = 550 5.1.1 No such user } }"}, permit_mynetworks, reject
            relayhost = [127.0.0.1]:9
            smtp_dns_support_level = disabled
            smtpd_peername_lookup = no
            biff = no
            smtpd_tls_cert_file = {dir}/tls/cert.pem
            smtpd_tls_key_file = {dir}/tls/key.pem
            smtpd_tls_security_level = may
            smtpd_sasl_auth_enable = no
            smtp_tls_security_level = none
            message_size_limit = 20480000
            """ + "\n");
        var master = new StringBuilder();
        foreach (var line in File.ReadAllLines("/etc/postfix/master.cf.proto"))
        {
            if (line.Length == 0 || char.IsWhiteSpace(line[0]) || line[0] == '#')
            {
                master.AppendLine(line);
                continue;
            }

            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
            if (f.Count >= 8)
            {
                f[4] = "n";
                if (f[0] == "smtp" && f[1] == "inet")
                {
                    f[0] = $"127.0.0.1:{Port}";
                }

                master.AppendLine(string.Join(" ", f.Take(7)) + " " + string.Join(" ", f.Skip(7)));
            }
            else
            {
                master.AppendLine(line);
            }
        }

        File.WriteAllText(Path.Combine(dir, "etc/master.cf"), master.ToString());
    }

    private void WaitForBanner()
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                client.ReceiveTimeout = 2000;
                var buffer = new byte[512];
                var n = client.GetStream().Read(buffer, 0, buffer.Length);
                if (n > 0 && Encoding.ASCII.GetString(buffer, 0, n).StartsWith("220", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException($"no 220 banner on 127.0.0.1:{Port} within 10 s.");
    }

    private static void Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30000))
        {
            p.Kill(true);
            throw new InvalidOperationException($"{file} {args} did not finish in 30 s.");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {args} exited {p.ExitCode}: {stderr.Result} {stdout.Result}");
        }
    }

    private string Log()
    {
        var log = _dir is null ? null : Path.Combine(_dir, "log/postfix.log");
        return log is not null && File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(5)) : string.Empty;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_dir is not null && Postfix is not null)
        {
            try
            {
                Run(Postfix, $"-c {_dir}/etc stop");
                var pidFile = Path.Combine(_dir, "spool/pid/master.pid");
                for (var i = 0; i < 50 && File.Exists(pidFile); i++)
                {
                    if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && !Directory.Exists($"/proc/{pid}"))
                    {
                        break;
                    }

                    Thread.Sleep(100);
                }
            }
            catch (InvalidOperationException)
            {
            }

            try
            {
                Directory.Delete(_dir, true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        Pki.Dispose();
    }
}
