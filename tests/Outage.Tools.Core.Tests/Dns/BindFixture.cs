using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Outage.Tools.Tests.Dns;

/// <summary>
/// Two real BIND 9 instances on 127.0.0.1 (free ports), started from tests/fixtures/dns:
/// ns1 = example.test (serial 2024010101), the reverse zone, broken.test (fails to load → SERVFAIL),
/// servfail.test (forwarded to a closed port → SERVFAIL) and recursion for anything else (→ SERVFAIL);
/// ns2 = example.test with serial 2024010199, authoritative only (REFUSED for other names).
/// Also a UDP socket of ours that never answers, and a port where nothing listens.
/// A missing <c>named</c> fails the tests with the install hint.
/// </summary>
public sealed class BindFixture : IDisposable
{
    private readonly List<Process> _processes = new();
    private readonly Socket _blackhole;

    public BindFixture()
    {
        Named = FindNamed() ?? throw new InvalidOperationException(
            "BIND 9 'named' is not installed. Install it with: apt-get install bind9 bind9-utils bind9-dnsutils (or run tests/peers/install.sh as root).");
        Work = Path.Combine(Path.GetTempPath(), "outage-dns-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Work);
        FixtureDir = Path.Combine(RepoRoot, "tests", "fixtures", "dns");

        _blackhole = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _blackhole.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        BlackholePort = ((IPEndPoint)_blackhole.LocalEndPoint!).Port;
        ClosedPort = FreePort();

        Ns1Port = FreePort();
        Ns2Port = FreePort();
        Start("ns1", Ns1Port, $$"""
            recursion yes;
            allow-recursion { 127.0.0.0/8; };
            forward only;
            forwarders { 127.0.0.1 port {{ClosedPort}}; };
            """, $$"""
            zone "." { type hint; file "{{Fixture("root.hint")}}"; };
            zone "example.test" { type primary; file "{{Fixture("example.test.zone")}}"; };
            zone "0.0.127.in-addr.arpa" { type primary; file "{{Fixture("reverse.zone")}}"; };
            zone "mail.test" { type primary; file "{{Fixture("mail.test.zone")}}"; };
            zone "broken.test" { type primary; file "{{Fixture("broken.test.zone")}}"; };
            zone "servfail.test" { type forward; forward only; forwarders { 127.0.0.1 port {{ClosedPort}}; }; };
            """);
        Start("ns2", Ns2Port, "recursion no;", $$"""
            zone "example.test" { type primary; file "{{Fixture("example.test.ns2.zone")}}"; };
            """);
    }

    /// <summary>The repository root: the first folder above the test binaries that holds Outage.Tools.sln.</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Outage.Tools.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Outage.Tools.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public string Named { get; }

    public string Work { get; }

    public string FixtureDir { get; }

    public int Ns1Port { get; }

    public int Ns2Port { get; }

    public int BlackholePort { get; }

    public int ClosedPort { get; }

    public string Ns1 => $"127.0.0.1:{Ns1Port}";

    public string Ns2 => $"127.0.0.1:{Ns2Port}";

    public string Blackhole => $"127.0.0.1:{BlackholePort}";

    public string Closed => $"127.0.0.1:{ClosedPort}";

    public IPEndPoint Ns1EndPoint => new(IPAddress.Loopback, Ns1Port);

    private string Fixture(string name) => Path.Combine(FixtureDir, name);

    /// <summary>The <c>named</c> binary, or null when BIND 9 is not installed.</summary>
    public static string? FindNamed()
    {
        foreach (var dir in new[] { "/usr/sbin", "/usr/local/sbin", "/usr/bin" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')))
        {
            var p = Path.Combine(dir, "named");
            if (dir.Length > 0 && File.Exists(p))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 right now.</summary>
    public static int FreePort()
    {
        for (var i = 0; i < 50; i++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("No free port for UDP and TCP on 127.0.0.1.");
    }

    private void Start(string name, int port, string options, string zones, string address = "127.0.0.1") =>
        _processes.Add(Launch(Named, Path.Combine(Work, name), name, port, options, zones, address));

    /// <summary>
    /// Starts one <c>named</c> in <paramref name="dir"/> listening on <paramref name="address"/> port <paramref name="port"/>
    /// with these options and zone statements, and waits (20 s at most) until it says it is running. The caller owns the
    /// process (kill it to make the server stop answering).
    /// </summary>
    public static Process Launch(string named, string dir, string name, int port, string options, string zones, string address = "127.0.0.1")
    {
        Directory.CreateDirectory(dir);
        var v6 = address.Contains(':');
        var conf = Path.Combine(dir, "named.conf");
        File.WriteAllText(conf, $$"""
            options {
                directory "{{dir}}";
                pid-file "{{dir}}/named.pid";
                session-keyfile "{{dir}}/session.key";
                managed-keys-directory "{{dir}}";
                {{(v6 ? "listen-on { none; };" : $"listen-on port {port} {{ {address}; }};")}}
                {{(v6 ? $"listen-on-v6 port {port} {{ {address}; }};" : "listen-on-v6 { none; };")}}
                allow-query { 127.0.0.0/8; ::1; };
                allow-transfer { 127.0.0.0/8; ::1; };
                {{options}}
                max-cache-size 32m;
                dnssec-validation no;
                notify no;
                {{(v6 ? "" : "query-source address 127.0.0.1;")}}
                max-udp-size 1232;
                edns-udp-size 1232;
                minimal-responses no;
                resolver-query-timeout 10000;
            };
            controls { };
            logging {
                channel stderr_ch { stderr; severity info; };
                category default { stderr_ch; };
                category lame-servers { null; };
            };
            {{zones}}
            """);
        var log = new StringBuilder();
        var ready = new ManualResetEventSlim();
        var psi = new ProcessStartInfo(named, $"-g {(v6 ? "-6" : "-4")} -n 1 -c {conf}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var p = new Process { StartInfo = psi };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.Set();
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data.EndsWith("running", StringComparison.Ordinal))
            {
                ready.Set();
            }
        };
        p.Start();
        p.BeginErrorReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(20)) || p.HasExited)
        {
            string text;
            lock (log)
            {
                text = log.ToString();
            }

            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
            throw new InvalidOperationException($"named ({name}) did not start on {address} port {port}:\n{text}");
        }

        return p;
    }

    private readonly object _discoveryLock = new();
    private bool _discoveryStarted;

    /// <summary>
    /// Two authoritative servers of disc.test on 127.0.0.1:53 and [::1]:53 (serials 5 and 6), started on first use:
    /// finding a zone's servers through its NS records means asking them on port 53, so only there can that path be
    /// tested (BIND listens only on addresses an interface has, so the two loopback addresses are the two servers).
    /// Binding port 53 needs root (tests/run.sh and CI run as root); without it, or with another DNS server on
    /// loopback port 53, this throws saying so — the test fails rather than passing untested.
    /// </summary>
    public (string First, string Second) DiscoveryServers()
    {
        lock (_discoveryLock)
        {
            if (!_discoveryStarted)
            {
                foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
                {
                    using var probe = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    try
                    {
                        probe.Bind(new IPEndPoint(address, 53));
                    }
                    catch (SocketException ex)
                    {
                        throw new InvalidOperationException(
                            $"Cannot listen on {address} port 53 ({ex.SocketErrorCode}): the NS-discovery test needs loopback port 53. Run the tests as root (tests/run.sh does) and stop any local DNS server bound to {address} port 53.", ex);
                    }
                }

                Start("disc1", 53, "recursion no;", $$"""zone "disc.test" { type primary; file "{{Fixture("disc.test.zone")}}"; };""", "127.0.0.1");
                Start("disc2", 53, "recursion no;", $$"""zone "disc.test" { type primary; file "{{Fixture("disc.test.ns2.zone")}}"; };""", "::1");
                _discoveryStarted = true;
            }

            return ("127.0.0.1", "::1");
        }
    }

    public void Dispose()
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

        _blackhole.Dispose();
        try
        {
            Directory.Delete(Work, true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BindCollection : ICollectionFixture<BindFixture>
{
    public const string Name = "BIND";
}
