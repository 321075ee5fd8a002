using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Outage.Tools.Core.Mime;
using Xunit;

namespace Outage.Tools.Mime.Reference.Tests;

/// <summary>
/// The evidence the catalogue names for its poison conditions: for each, the message is read differently by
/// real software here — Python's email package (policy.compat32 and policy.default, python3 on this machine)
/// and MimeKit — than the RFC reads it (and our linter does); and the same rule's harmless form is read the
/// same way by all, so it stays Nonconforming.
/// </summary>
public sealed class ReferenceParserTests
{
    private const string Head = "From: a@example.com\nTo: b@example.com\nDate: Mon, 4 Mar 2024 10:00:00 +0000\nMessage-ID: <1@example.com>\n";

    private const string PythonTree = """
        import email, json, sys
        from email import policy
        data = sys.stdin.buffer.read()
        out = {}
        for name, pol in (("compat32", policy.compat32), ("default", policy.default)):
            m = email.message_from_bytes(data, policy=pol)
            nodes = []
            def walk(p, d):
                nodes.append([p.get_content_type(), d])
                if p.is_multipart():
                    for c in p.get_payload():
                        walk(c, d + 1)
            walk(m, 0)
            out[name] = {"keys": [k.lower() for k in m.keys()], "tree": nodes}
        print(json.dumps(out))
        """;

    /// <summary>Python's reading under both policies: the top-level field names and the (type, depth) tree.</summary>
    private static Dictionary<string, (List<string> Keys, List<string> Tree)> Python(string message)
    {
        var psi = new ProcessStartInfo("python3", new[] { "-c", PythonTree })
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var bytes = Encoding.Latin1.GetBytes(message);
        p.StandardInput.BaseStream.Write(bytes);
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "python3 did not finish in 60 s.");
        Assert.True(p.ExitCode == 0, "python3 failed: " + err.Result);
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.EnumerateObject().ToDictionary(o => o.Name, o => (
            o.Value.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList(),
            o.Value.GetProperty("tree").EnumerateArray().Select(n => $"{n[0].GetString()}@{n[1].GetInt32()}").ToList()));
    }

    private static List<string> OurTree(string message) =>
        MimeStructure.Parts(MimeInput.FromBytes("m", Encoding.Latin1.GetBytes(message)))
            .Where(p => p.ContentType != "message/rfc822").Select(p => $"{p.ContentType}@{p.Depth}").ToList();

    private static List<string> MimeKitTreeOf(string message) =>
        MimeKitTree.Read(Encoding.Latin1.GetBytes(message)).Nodes.Select(n => $"{n.Type}@{n.Depth}").ToList();

    private static MimeMessageReport Lint(string message) =>
        MimeLint.LintStream(new MemoryStream(Encoding.Latin1.GetBytes(message)), "m", false).Single();

    [Fact]
    public void BareCrInHeader_PythonSplitsTheField()
    {
        var message = Head + "Subject: a\rX-Injected: yes\n\nbody\n";
        foreach (var (policy, reading) in Python(message))
        {
            Assert.True(reading.Keys.Contains("x-injected"), $"{policy}: Python keeps the CR inside Subject: {string.Join(",", reading.Keys)}");
        }

        var mimeKit = MimeKit.MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(message)));
        Assert.Null(mimeKit.Headers["X-Injected"]); // MimeKit keeps it inside Subject, as the RFC's field syntax does
        Assert.True(Lint(message).Poison);
        Assert.False(Lint(Head + "\nab\rcd\n").Poison); // in a body no field boundary moves
    }

    [Fact]
    public void HeaderNoColon_FieldsAfterItAreLost()
    {
        var message = "From: a@example.com\nbroken line\nTo: b@example.com\nDate: Mon, 4 Mar 2024 10:00:00 +0000\n"
            + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n";
        foreach (var (policy, reading) in Python(message))
        {
            Assert.True(reading.Keys.SequenceEqual(new[] { "from" }), $"{policy}: {string.Join(",", reading.Keys)}");
            Assert.Equal(new[] { "text/plain@0" }, reading.Tree);
        }

        Assert.Equal(new[] { "multipart/mixed@0", "text/plain@1" }, OurTree(message)); // the RFC reading keeps the fields
        Assert.True(Lint(message).Poison);

        // Just before the empty line nothing is lost after it: the same part tree for everyone, Nonconforming.
        var harmless = Head + "broken line\n\nbody\n";
        Assert.All(Python(harmless), r => Assert.Equal(new[] { "text/plain@0" }, r.Value.Tree));
        var h = Lint(harmless);
        Assert.Equal(MimeVerdict.Nonconforming, h.Verdict);
        Assert.Contains(h.Findings, f => f.Rule == "header-no-colon");
        Assert.DoesNotContain(h.Findings, f => f.Rule == "header-body-separator-missing");
    }

    [Fact]
    public void InvalidName_PythonEndsTheHeader()
    {
        var message = "From: a@example.com\nX-Bad Name: 1\nTo: b@example.com\nDate: Mon, 4 Mar 2024 10:00:00 +0000\n"
            + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n";
        foreach (var (policy, reading) in Python(message))
        {
            Assert.True(reading.Keys.SequenceEqual(new[] { "from" }), $"{policy}: {string.Join(",", reading.Keys)}");
        }

        Assert.Equal(new[] { "multipart/mixed@0", "text/plain@1" }, MimeKitTreeOf(message)); // MimeKit reads on: the two disagree
        Assert.True(Lint(message).Poison);
        Assert.False(Lint(Head + "X-Bad Name: 1\n\nbody\n").Poison); // the last field: nothing after it is lost
    }

    [Fact]
    public void NestedBoundary_DashSuffix_IsReadDifferently()
    {
        var message = Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=abc\n\n--abc\n"
            + "Content-Type: multipart/alternative; boundary=abc--\n\n--abc--\n\nx\n--abc----\n--abc\n\ny\n--abc--\n";
        var rfc = OurTree(message);
        foreach (var (policy, reading) in Python(message))
        {
            Assert.True(!reading.Tree.SequenceEqual(rfc), $"{policy}: Python reads the RFC tree {string.Join(",", rfc)}");
        }

        Assert.True(Lint(message).Poison);

        // A longer inner boundary is read the same way by Python, MimeKit and the RFC: Nonconforming.
        var longer = Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=abc\n\n--abc\n"
            + "Content-Type: multipart/alternative; boundary=abcdef\n\n--abcdef\n\nx\n--abcdef--\n--abc--\n";
        Assert.All(Python(longer), r => Assert.Equal(OurTree(longer), r.Value.Tree));
        Assert.Equal(OurTree(longer), MimeKitTreeOf(longer));
        Assert.Equal(MimeVerdict.Nonconforming, Lint(longer).Verdict);
    }

    [Fact]
    public void BoundaryNotFound_PartsBecomePreamble()
    {
        var message = Head + "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=A\n\n--B\nContent-Type: text/plain\n\nNews.\n--B--\n";
        Assert.Equal(new[] { "multipart/alternative@0" }, MimeKitTreeOf(message)); // no part: the text is preamble
        var mimeKit = MimeKit.MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(message)));
        Assert.Null(mimeKit.TextBody);
        var python = Python(message);
        Assert.Equal(new[] { "multipart/alternative@0" }, python["compat32"].Tree);
        Assert.True(Lint(message).Poison);

        // A multipart whose body has no delimiter-like line loses no part the sender wrote: Nonconforming.
        Assert.Equal(MimeVerdict.Nonconforming, Lint(Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=A\n\nJust text.\n").Verdict);
    }
    [Fact]
    public void DuplicateMimeFields_EveryParserReadsTheFirst_SoTheyAreNonconforming()
    {
        // Two Content-Type fields: Python (both policies), MimeKit and we all read the first one.
        var message = Head + "MIME-Version: 1.0\nContent-Type: text/plain\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n";
        foreach (var (policy, reading) in Python(message))
        {
            Assert.True(reading.Tree.SequenceEqual(new[] { "text/plain@0" }), $"{policy}: {string.Join(",", reading.Tree)}");
        }

        Assert.Equal(new[] { "text/plain@0" }, MimeKitTreeOf(message));
        Assert.Equal(new[] { "text/plain@0" }, OurTree(message));
        var reversed = Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\nContent-Type: text/plain\n\n--b\n\nx\n--b--\n";
        var tree = new[] { "multipart/mixed@0", "text/plain@1" };
        Assert.All(Python(reversed), r => Assert.Equal(tree, r.Value.Tree));
        Assert.Equal(tree, MimeKitTreeOf(reversed));
        Assert.Equal(tree, OurTree(reversed));
        var report = Lint(message);
        var f = Assert.Single(report.Findings, x => x.Rule == "mime-field-duplicate");
        Assert.Equal(message.IndexOf("Content-Type: multipart", StringComparison.Ordinal), f.Offset);
        Assert.Equal(MimeVerdict.Nonconforming, report.Verdict);

        // Two transfer encodings: both decode by the first (7bit: the base64 text as it is).
        var encodings = Head + "MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: 7bit\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n";
        var part = Assert.IsType<MimeKit.TextPart>(MimeKit.MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(encodings))).Body);
        using var decoded = new MemoryStream();
        part.Content!.DecodeTo(decoded);
        Assert.Equal(PythonPayload(encodings), Encoding.Latin1.GetString(decoded.ToArray()));
        Assert.Equal("aGVsbG8=\n", PythonPayload(encodings));
        Assert.Equal(MimeVerdict.Nonconforming, Lint(encodings).Verdict);
    }

    /// <summary>Python's decoded payload of a single-part message under both policies (they must agree), as Latin-1.</summary>
    private static string PythonPayload(string message)
    {
        const string script = """
            import email, sys
            from email import policy
            data = sys.stdin.buffer.read()
            a = email.message_from_bytes(data, policy=policy.compat32).get_payload(decode=True)
            b = email.message_from_bytes(data, policy=policy.default).get_payload(decode=True)
            assert a == b, (a, b)
            sys.stdout.buffer.write(a)
            """;
        var psi = new ProcessStartInfo("python3", new[] { "-c", script })
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        p.StandardInput.BaseStream.Write(Encoding.Latin1.GetBytes(message));
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(output);
        Assert.True(p.WaitForExit(60_000), "python3 did not finish in 60 s.");
        Assert.True(p.ExitCode == 0, "python3 failed: " + err.Result);
        return Encoding.Latin1.GetString(output.ToArray());
    }

    [Fact]
    public void EmptyParameter_EveryParserSkipsIt_SoItIsNonconforming()
    {
        // "multipart/mixed;; boundary=b": invalid (content-type-invalid), but Python, MimeKit and we all read the parts.
        var message = Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed;; boundary=b\n\n--b\n\nx\n--b--\n";
        var expected = new[] { "multipart/mixed@0", "text/plain@1" };
        Assert.All(Python(message), r => Assert.Equal(expected, r.Value.Tree));
        Assert.Equal(expected, MimeKitTreeOf(message));
        Assert.Equal(expected, OurTree(message));
        var report = Lint(message);
        Assert.Contains(report.Findings, f => f.Rule == "content-type-invalid");
        Assert.DoesNotContain(report.Findings, f => f.Rule == "multipart-no-boundary");
        Assert.Equal(MimeVerdict.Nonconforming, report.Verdict);
    }

    [Fact]
    public void ExternalBody_PhantomHeader_IsAMessageToPythonAndMimeKit_AndNoContentIsLost()
    {
        // RFC 2046 §5.2.3: the body of message/external-body is a phantom header (of the data it points to) and an
        // optional body. Python and MimeKit parse it as an embedded message; we keep it as a leaf. Nothing the
        // sender wrote is hidden or decoded differently, and the type is valid, so no rule reports it.
        var message = Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nsee the attachment\n--b\n"
            + "Content-Type: message/external-body; access-type=URL; URL=\"http://example.com/a.pdf\"\n\nContent-Type: application/pdf\n\n--b--\n";
        foreach (var (policy, reading) in Python(message))
        {
            Assert.True(reading.Tree.SequenceEqual(new[] { "multipart/mixed@0", "text/plain@1", "message/external-body@1", "application/pdf@2" }),
                $"{policy}: {string.Join(",", reading.Tree)}");
        }

        Assert.Equal(new[] { "multipart/mixed@0", "text/plain@1", "message/external-body@1" }, OurTree(message));
        Assert.Equal(MimeVerdict.Clean, Lint(message).Verdict);
    }
}
