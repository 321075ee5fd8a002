using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Outage.Tools.Core;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Headers;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;
using Outage.Tools.Core.Serialization;

namespace Outage.Tools.Fuzz;

/// <summary>An input broke a parser's invariant (an exception the parser does not document, an offset outside
/// the input, allocation out of proportion). The fuzzer treats it as a crash.</summary>
public sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException(string target, string message, Exception? inner = null)
        : base($"[{target}] {message}", inner)
    {
    }
}

/// <summary>
/// One fuzz target per parser that reads outside input. Each takes the raw bytes, runs the parser the way the
/// product does and asserts the parser's invariants: only the documented error type escapes, offsets lie inside
/// the input, and the bytes allocated stay proportional to the input (no input may make a parser allocate
/// more than <see cref="AllocationBudget"/>). Shared by the AFL++ driver (tests/fuzz) and the regression replay
/// in the Core tests, so a crash input found once is replayed on every test run.
/// </summary>
public static class FuzzTargets
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Target names and their runners, in the order ci.sh runs them.</summary>
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["mime"] = Mime,
        ["mbox"] = Mbox,
        ["dns"] = Dns,
        ["postqueue"] = Postqueue,
        ["exim"] = Exim,
        ["exchange-csv"] = ExchangeCsv,
        ["clixml"] = Clixml,
        ["config"] = Config,
        ["results"] = Results,
        ["http"] = Http,
        ["smtp"] = Smtp,
        ["headers"] = Headers,
    };

    /// <summary>Bytes a parser may allocate for an input of <paramref name="length"/> bytes.</summary>
    public static long AllocationBudget(int length) => (32L << 20) + 256L * length;

    /// <summary>Runs one target on one input; throws <see cref="FuzzInvariantException"/> when an invariant breaks.</summary>
    public static void Run(string target, byte[] input)
    {
        if (!All.TryGetValue(target, out var run))
        {
            throw new ArgumentException($"Unknown fuzz target '{target}' (known: {string.Join(", ", All.Keys)}).", nameof(target));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            run(input);
        }
        catch (FuzzInvariantException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new FuzzInvariantException(target, $"undocumented exception {ex.GetType().FullName}: {ex.Message}", ex);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationBudget(input.Length))
        {
            throw new FuzzInvariantException(target, $"allocated {allocated:N0} bytes for {input.Length:N0} input bytes (budget {AllocationBudget(input.Length):N0}).");
        }
    }

    private static void Check(bool condition, string target, string message)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(target, message);
        }
    }

    private static string Latin1(byte[] input) => Encoding.GetEncoding(28591).GetString(input);

    private static string Utf8(byte[] input) => Encoding.UTF8.GetString(input);

    /// <summary>MIME linter on a whole message, fed in uneven chunks: every octet consumed once, offsets inside, findings bounded.</summary>
    private static void Mime(byte[] input)
    {
        var options = new MimeLintOptions();
        var linter = new MimeLinter(options, "fuzz", recordParts: true);
        var chunk = input.Length == 0 ? 1 : 1 + (input[0] % 97);
        for (var p = 0; p < input.Length; p += chunk)
        {
            linter.Feed(input, p, Math.Min(chunk, input.Length - p));
        }

        var findings = linter.Finish();
        Check(linter.BytesProcessed == input.Length, "mime", $"consumed {linter.BytesProcessed} of {input.Length} bytes");
        Check(findings.Count <= MimeRuleCatalog.All.Count * options.MaxFindingsPerRule, "mime", $"{findings.Count} findings");
        foreach (var f in findings)
        {
            Check(f.Offset >= 0 && f.Offset <= input.Length, "mime", $"finding {f.Rule} at offset {f.Offset} outside 0..{input.Length}");
            Check(f.Line >= 0, "mime", $"finding {f.Rule} on line {f.Line}");
        }
    }

    /// <summary>mbox splitting (RFC 4155) and linting: messages in order, each inside the file, none overlapping.</summary>
    private static void Mbox(byte[] input)
    {
        using var stream = new MemoryStream(input, writable: false);
        var end = 0L;
        var index = 0;
        foreach (var report in MimeLint.LintStream(stream, "fuzz", mbox: true))
        {
            Check(report.MessageIndex > index, "mbox", $"message {report.MessageIndex} after {index}");
            Check(report.StartOffset >= end && report.StartOffset + report.Size <= input.Length, "mbox",
                $"message {report.MessageIndex} spans {report.StartOffset}+{report.Size}, outside {end}..{input.Length}");
            foreach (var f in report.Findings)
            {
                Check(f.Offset >= report.StartOffset && f.Offset <= report.StartOffset + report.Size + 1, "mbox",
                    $"finding {f.Rule} at {f.Offset} outside message {report.MessageIndex} ({report.StartOffset}+{report.Size})");
            }

            end = report.StartOffset + report.Size;
            index = report.MessageIndex;
        }
    }

    /// <summary>DNS message reader (RFC 1035 §4.1, compression §4.1.4): a message or DnsFormatException, names within 255 octets.</summary>
    private static void Dns(byte[] input)
    {
        DnsMessage message;
        try
        {
            message = DnsMessage.Parse(input);
        }
        catch (DnsFormatException)
        {
            return;
        }

        foreach (var r in message.Answers.Concat(message.Authority).Concat(message.Additional))
        {
            _ = r.Data;
            _ = r.ToString();
            // RFC 1035 §2.3.4: 255 octets on the wire; the presentation form escapes special octets (\DDD: 4 chars each).
            Check(r.Name.Length <= 255 * 4 + 1, "dns", $"owner name of {r.Name.Length} characters");
        }

        foreach (var q in message.Questions)
        {
            Check(q.Name.Length <= 255 * 4 + 1, "dns", $"question name of {q.Name.Length} characters");
        }
    }

    private static void Drain<T>(string target, IEnumerable<Outcome<T>> outcomes, int lines)
    {
        var n = 0;
        foreach (var o in outcomes)
        {
            n++;
            Check(o.Kind != OutcomeKind.Result || o.Value is not null, target, "a result without a value");
            Check(o.Kind != OutcomeKind.Error || o.Error is not null, target, "an error without an ItemError");
        }

        Check(n <= lines + 1, target, $"{n} outcomes for {lines} lines");
    }

    /// <summary>Lines as TextReader.ReadLine counts them: CR, LF and CRLF each end one.</summary>
    private static int Lines(string text)
    {
        var n = 1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>postqueue -j (one JSON object per line): one bad line is one located error, never an exception.</summary>
    private static void Postqueue(byte[] input)
    {
        var text = Utf8(input);
        Drain("postqueue", PostqueueJsonReader.Read(new StringReader(text), "fuzz", QueueSourceKind.Postfix, "fuzz", Now), Lines(text));
    }

    /// <summary>exim -bp listing: one bad line is one located error, never an exception.</summary>
    private static void Exim(byte[] input)
    {
        var text = Utf8(input);
        Drain("exim", EximListingReader.Read(new StringReader(text), "fuzz", QueueSourceKind.Exim, "fuzz", Now), Lines(text));
    }

    private static void ExchangeObjects(string target, IEnumerable<Outcome<IReadOnlyDictionary<string, object?>>> bags)
    {
        try
        {
            ExchangeObjects(bags);
        }
        catch (OutageException)
        {
            // Documented: a file that is not an export at all ("not an Export-Clixml file", no header row) is refused whole.
        }
    }

    private static void ExchangeObjects(IEnumerable<Outcome<IReadOnlyDictionary<string, object?>>> bags)
    {
        foreach (var bag in bags)
        {
            if (bag.Kind != OutcomeKind.Result)
            {
                continue;
            }

            if (ExchangeInput.IsMessage(bag.Value!))
            {
                _ = ExchangeInput.ToMessage(bag.Value!, "fuzz", Now);
            }
            else
            {
                _ = ExchangeInput.ToSummary(bag.Value!, "fuzz");
            }
        }
    }

    /// <summary>Exchange Export-Csv of Get-Queue/Get-Message (RFC 4180 quoting).</summary>
    private static void ExchangeCsv(byte[] input) =>
        ExchangeObjects("exchange-csv", ExchangeInput.ReadCsv(new StringReader(Utf8(input)), "fuzz"));

    /// <summary>Exchange Export-Clixml of Get-Queue/Get-Message (DTD refused).</summary>
    private static void Clixml(byte[] input)
    {
        using var stream = new MemoryStream(input, writable: false);
        ExchangeObjects("clixml", ExchangeInput.ReadClixml(stream, "fuzz"));
    }

    /// <summary>Outage-check configuration (.psd1 data file or JSON): a configuration or FormatException naming the problem.</summary>
    private static void Config(byte[] input)
    {
        var text = Utf8(input);
        try
        {
            var json = text.TrimStart().StartsWith("{", StringComparison.Ordinal);
            var tree = json ? JsonValue.Parse(text) as Dictionary<string, object?> : Psd1.Parse(text);
            if (tree is not null)
            {
                _ = OutageCheckConfiguration.FromTable(tree, Path.GetTempPath());
            }
        }
        catch (FormatException)
        {
        }
        catch (OutageException)
        {
        }
    }

    /// <summary>Results JSON Lines (check --format json, history files): each line a result or null, never an exception.</summary>
    private static void Results(byte[] input)
    {
        foreach (var line in Utf8(input).Split('\n'))
        {
            var r = OutageHistory.TryParse(line);
            if (r is not null)
            {
                _ = r.Key;
                _ = OutageHistory.ToJson(r);
            }
        }
    }

    /// <summary>HTTP/1.1 response reader of the probes: a hop or ProbeFailure; body within MaxBody, headers within MaxHeaderBytes.</summary>
    private static void Http(byte[] input)
    {
        var hop = new HttpHop();
        using var stream = new MemoryStream(input, writable: false);
        try
        {
            HttpProbeClient.ReadResponseAsync(stream, hop, "GET", new Uri("https://fuzz.test/owa/"), null, CancellationToken.None)
                .GetAwaiter().GetResult();
        }
        catch (ProbeFailure)
        {
            return;
        }

        Check(hop.Body is null || hop.Body.Length <= HttpProbeClient.MaxBody, "http", $"body of {hop.Body?.Length} characters");
        Check(hop.StatusCode >= 0, "http", $"status {hop.StatusCode}");
    }

    /// <summary>SMTP reply reader (RFC 5321 §4.2) of the probe: replies or ProbeFailure; transcript bounded.</summary>
    // Get-MessageHeaderReport / Get-MessageHop: one report per message whatever the bytes; hops numbered 1..n and
    // equal to what Get-MessageHop returns; every decoded row points at a line of the input; warnings are bounded.
    private static void Headers(byte[] input)
    {
        var outcomes = MessageHeaderReports.Run(new[] { MimeInput.FromBytes("fuzz.eml", input) }).ToList();
        var reports = outcomes.Where(o => o.Kind == OutcomeKind.Result).Select(o => o.Value!).ToList();
        Check(reports.Count == 1, "headers", $"{reports.Count} reports for one message");
        Check(outcomes.All(o => o.Kind is OutcomeKind.Result or OutcomeKind.Warning), "headers", "an error for bytes in memory");
        var report = reports[0];
        var lines = 1 + input.Count(b => b == (byte)'\n') + input.Count(b => b == (byte)'\n');
        Check(report.HopCount == report.Hops.Length, "headers", "HopCount differs from Hops");
        for (var i = 0; i < report.Hops.Length; i++)
        {
            Check(report.Hops[i].Hop == i + 1, "headers", $"hop {i} numbered {report.Hops[i].Hop}");
            Check(report.Hops[i].ClockSkew == report.Hops[i].Delay < TimeSpan.Zero, "headers", "ClockSkew without a negative delay");
        }

        var hops = MessageHops.Run(new[] { MimeInput.FromBytes("fuzz.eml", input) }).Count(o => o.Kind == OutcomeKind.Result);
        Check(hops == report.HopCount, "headers", $"Get-MessageHop returns {hops} hops, the report {report.HopCount}");
        Check(report.Antispam.All(f => f.Line >= 1 && f.Line <= lines) && report.Authentication.All(a => a.Line >= 1 && a.Line <= lines), "headers", "a row outside the input");
        Check(report.Authentication.All(a => a.Method.Length > 0 && a.Result.Length > 0), "headers", "a result without method or value");
        Check(outcomes.Count(o => o.Kind == OutcomeKind.Warning) <= lines * 8 + 8, "headers", "more warnings than the input has fields");
    }

    private static void Smtp(byte[] input)
    {
        using var stream = new MemoryStream(input, writable: false);
        var reader = new LineReader(stream);
        var transcript = new List<string>();
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                var reply = SmtpProbe.Session.ReadReplyAsync(reader, "Banner", transcript, CancellationToken.None).GetAwaiter().GetResult();
                Check(reply.Code >= 0 && reply.Code <= 999, "smtp", $"reply code {reply.Code}");
                Check(reply.Lines.Count <= SmtpProbe.MaxReplyLines, "smtp", $"reply of {reply.Lines.Count} lines");
            }
        }
        catch (ProbeFailure)
        {
        }

        Check(transcript.Count <= 30 * 1000, "smtp", $"transcript of {transcript.Count} lines");
    }
}
