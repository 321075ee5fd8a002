using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Dns;

namespace Outage.Tools.Fuzz;

/// <summary>
/// outage-fuzz fuzz TARGET          run TARGET under afl-fuzz (persistent mode; input on stdin/file from AFL)
/// outage-fuzz replay TARGET PATH…  run TARGET on each file (or each file of a folder); exit 1 when any breaks an invariant
/// outage-fuzz seeds TARGET DIR     write the synthetic seeds of TARGET (made by our own code) to DIR
/// outage-fuzz targets              list the targets
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "targets")
        {
            Console.WriteLine(string.Join("\n", FuzzTargets.All.Keys));
            return 0;
        }

        if (args.Length == 2 && args[0] == "fuzz")
        {
            var target = args[1];
            if (!FuzzTargets.All.ContainsKey(target))
            {
                return Usage($"unknown target '{target}'");
            }

            SharpFuzz.Fuzzer.Run(stream =>
            {
                using var ms = new MemoryStream();
                stream.CopyTo(ms);
                FuzzTargets.Run(target, ms.ToArray());
            });
            return 0;
        }

        if (args.Length >= 3 && args[0] == "replay")
        {
            var failed = 0;
            var passed = 0;
            foreach (var file in args.Skip(2).SelectMany<string, string>(p => Directory.Exists(p) ? Directory.GetFiles(p).OrderBy(f => f, StringComparer.Ordinal) : new[] { p }))
            {
                if (Path.GetFileName(file).StartsWith('.') || file.EndsWith(".md", StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    FuzzTargets.Run(args[1], File.ReadAllBytes(file));
                    passed++;
                }
                catch (FuzzInvariantException ex)
                {
                    failed++;
                    Console.WriteLine($"FAIL {file}: {ex.Message}");
                    if (Environment.GetEnvironmentVariable("FUZZ_VERBOSE") == "1")
                    {
                        Console.WriteLine(ex.InnerException?.ToString() ?? ex.ToString());
                    }
                }
            }

            Console.WriteLine($"replay {args[1]}: {passed} passed, {failed} failed");
            return failed == 0 ? 0 : 1;
        }

        if (args.Length == 3 && args[0] == "seeds")
        {
            Directory.CreateDirectory(args[2]);
            var i = 0;
            foreach (var seed in Seeds.For(args[1]))
            {
                File.WriteAllBytes(Path.Combine(args[2], $"synthetic-{i++:D3}"), seed);
            }

            return 0;
        }

        return Usage(null);
    }

    private static int Usage(string? problem)
    {
        if (problem is not null)
        {
            Console.Error.WriteLine("outage-fuzz: " + problem);
        }

        Console.Error.WriteLine("usage: Outage.Tools.Fuzz fuzz TARGET | replay TARGET PATH... | seeds TARGET DIR | targets");
        Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.All.Keys));
        return 2;
    }
}

/// <summary>Synthetic seeds for the targets whose inputs the fixtures do not cover (binary DNS, wire HTTP/SMTP, results, configuration).</summary>
internal static class Seeds
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    public static IEnumerable<byte[]> For(string target)
    {
        switch (target)
        {
            case "dns":
                foreach (var m in DnsMessages())
                {
                    yield return m.ToArray();
                }

                break;
            case "http":
                yield return Ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 52\r\n\r\n<form><input type=\"password\" name=\"password\"></form>");
                yield return Ascii("HTTP/1.1 302 Found\r\nLocation: /owa/auth/logon.aspx?url=x\r\nServer: Microsoft-IIS/10.0\r\nX-FEServer: FE1\r\nContent-Length: 0\r\n\r\n");
                yield return Ascii("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM, Basic realm=\"x\"\r\nRetry-After: 5\r\n\r\n");
                yield return Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n");
                yield return Ascii("HTTP/1.0 503 Service Unavailable\r\nContent-Encoding: gzip\r\n\r\nbody until close");
                break;
            case "smtp":
                yield return Ascii("220 mx.example.test ESMTP Postfix\r\n250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
                yield return Ascii("220-first\r\n220 second\r\n421 4.3.2 Service not available\r\n");
                yield return Ascii("554 5.7.1 no\r\n250\r\n");
                break;
            case "results":
                var r = new OutageCheckResult(CheckArea.Dns, "example.test", "MX", CheckStatus.Warn, "slow | <b>", "detail\nline",
                    new[] { "e1" }, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(12.5), "host1", 3.5, "s");
                yield return Ascii(OutageHistory.ToJson(r) + "\n" + OutageHistory.ToJson(r.WithTrend(new[] { new TrendPoint(r.Timestamp, 1) })) + "\n");
                yield return Ascii("{\"area\":\"Queue\",\"target\":\"postfix\",\"check\":\"Depth\",\"status\":\"Fail\",\"summary\":\"x\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"duration\":\"00:00:01\"}\n");
                break;
            case "config":
                yield return Ascii("@{\n  Domains = @('example.test', 'b.test')\n  DnsServers = '127.0.0.1:53'\n  Queues = @(@{ Kind = 'Postfix'; Name = 'mx1' })\n  Thresholds = @{ QueueDepthWarn = 100; QueueDepthFail = 1000 }\n  CheckTimeoutSeconds = 30 # comment\n}\n");
                yield return Ascii("{\"Domains\":[\"example.test\"],\"SmtpHosts\":[\"mx.example.test:25\"],\"Thresholds\":{\"QueueDepthWarn\":10}}");
                break;
        }
    }

    private static IEnumerable<DnsMessage> DnsMessages()
    {
        var m = new DnsMessage { Id = 9, IsResponse = true, Opt = new DnsOptRecord { UdpPayloadSize = 1232 } };
        m.Questions.Add(new DnsQuestion("example.test", DnsRecordType.MX));
        m.Answers.Add(new DnsMxRecord { Name = "example.test.", Type = DnsRecordType.MX, Preference = 10, Exchange = "mail.example.test." });
        m.Answers.Add(DnsTxtRecord.FromText("example.test", 60, "v=spf1 include:_spf.example.test -all"));
        m.Answers.Add(new DnsSoaRecord { Name = "example.test.", Type = DnsRecordType.SOA, PrimaryServer = "ns1.example.test.", ResponsiblePerson = "h.example.test." });
        m.Authority.Add(new DnsNsRecord { Name = "example.test.", Type = DnsRecordType.NS, NameServer = "ns1.example.test." });
        m.Additional.Add(new DnsSrvRecord { Name = "_autodiscover._tcp.example.test.", Type = DnsRecordType.SRV, Target = "mail.example.test." });
        yield return m;
        var q = new DnsMessage { Id = 1, RecursionDesired = true };
        q.Questions.Add(new DnsQuestion("_dmarc.example.test", DnsRecordType.TXT));
        yield return q;
    }
}
