using Outage.Tools.Core.Mime;
using Xunit;
using static Outage.Tools.Core.Tests.Mime.MimeTestKit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>
/// Every rule of the catalogue: a failing fixture whose <c>^^</c> marks the octet the finding must point at,
/// run with LF and CRLF line ends and fed whole, byte by byte and in odd chunks. The passing fixtures are the
/// well-formed messages of <see cref="WellFormedTests"/>, which must produce no finding at all.
/// </summary>
public sealed class MimeRuleFixtureTests
{
    private const string Mv = "MIME-Version: 1.0\n";
    private const string NoDate = "From: Alice <alice@example.com>\nTo: bob@example.com\nMessage-ID: <1@example.com>\nSubject: hi\n";

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        void Add(string rule, string template, string endings = "both") => data.Add(rule, template, endings);

        Add("line-bare-cr", Head + "\nab^^\rcd\n");
        Add("line-too-long", Head + "\n" + new string('x', 998) + "^^" + new string('y', 10) + "\n");
        Add("nul-byte", Head + "\nab^^\0cd\n");
        Add("8bit-header", NoDate.Replace("Subject: hi", "Subject: caf^^\u00C3\u00A9") + "Date: Mon, 4 Mar 2024 10:00:00 +0000\n\nbody\n");
        Add("header-no-colon", Head + "^^garbage line\nX-A: b\n\nbody\n");
        Add("header-invalid-name", Head + "X-Subj^^ ect: hi\n\nbody\n");
        Add("header-leading-continuation", "^^ folded\n" + Head + "\nbody\n");
        Add("header-body-separator-missing", Head + "^^This is the body without a blank line\nmore text\n");
        Add("header-too-long", Head + "^^X-Big:" + string.Concat(Enumerable.Repeat(" " + new string('a', 900) + "\n", 120)) + "\nbody\n");
        Add("header-count-excessive", Head + string.Concat(Enumerable.Repeat("X-N: 1\n", 995)) + "^^X-N: 1\nX-N: 2\n\nbody\n");
        Add("missing-from", "^^" + Head.Replace("From: Alice <alice@example.com>\n", "") + "\nbody\n");
        Add("missing-date", "^^" + NoDate + "\nbody\n");
        Add("missing-message-id", "^^" + Head.Replace("Message-ID: <1@example.com>\n", "") + "\nbody\n");
        Add("duplicate-header", Head + "^^Subject: again\n\nbody\n");
        Add("invalid-date", NoDate + "^^Date: Someday, 45 Foo 20x1 25:61:00 +9999\n\nbody\n");
        Add("invalid-date", NoDate + "^^Date: Tue, 5 Mar 2024 14:03:20\n\nbody\n");
        Add("invalid-address", "^^" + Head.Replace("From: Alice <alice@example.com>", "From: Mallory <mallory@example.com") + "\nbody\n");
        Add("invalid-message-id", Head.Replace("Message-ID: <1@example.com>\n", "") + "^^Message-ID: 1234\n\nbody\n");
        Add("encoded-word-invalid", NoDate.Replace("Subject: hi\n", "") + "^^Subject: =?utf-8?Q?a b?=\nDate: Mon, 4 Mar 2024 10:00:00 +0000\n\nbody\n");
        Add("encoded-word-invalid", NoDate.Replace("Subject: hi\n", "") + "^^Subject: =?x-bogus-42?Q?abc?=\nDate: Mon, 4 Mar 2024 10:00:00 +0000\n\nbody\n");
        Add("encoded-word-invalid", NoDate.Replace("Subject: hi\n", "") + "^^Subject: =?utf-8?B?QUJD!?=\nDate: Mon, 4 Mar 2024 10:00:00 +0000\n\nbody\n");
        Add("received-hop-count", string.Concat(Enumerable.Repeat("Received: from a by b; Mon, 4 Mar 2024 10:00:00 +0000\n", 48)) + "^^Received: from a by b; Mon, 4 Mar 2024 10:00:00 +0000\n" + Head + "\nbody\n");
        Add("mbox-from-line", "^^From sender@example.com Mon Mar  4 10:00:00 2024\n" + Head + "\nbody\n");
        Add("mime-version-missing", "^^" + Head + "Content-Type: text/plain; charset=utf-8\n\nbody\n");
        Add("content-type-invalid", Head + Mv + "^^Content-Type: text\n\nbody\n");
        Add("content-type-invalid", Head + Mv + "^^Content-Type: text/plain; charset=\"utf-8\n\nbody\n");
        Add("multipart-no-boundary", Head + Mv + "^^Content-Type: multipart/mixed\n\n--b\n\nx\n--b--\n");
        Add("boundary-invalid", Head + Mv + "^^Content-Type: multipart/mixed; boundary=\"" + new string('b', 71) + "\"\n\n--" + new string('b', 71) + "\n\nx\n--" + new string('b', 71) + "--\n");
        Add("boundary-invalid", Head + Mv + "^^Content-Type: multipart/mixed; boundary=\"\"\n\n--\n\nx\n");
        Add("boundary-not-found", Head + Mv + "Content-Type: multipart/mixed; boundary=XYZ\n\n^^preamble\n--other\n\nx\n--other--\n");
        Add("boundary-close-missing", Head + Mv + "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n^^");
        Add("boundary-nested-conflict", Head + Mv + "Content-Type: multipart/mixed; boundary=abc\n\n--abc\n^^Content-Type: multipart/alternative; boundary=abcdef\n\n--abcdef\n\nx\n--abcdef--\n--abc--\n");
        Add("multipart-empty", Head + Mv + "Content-Type: multipart/mixed; boundary=b\n\n^^preamble\n--b--\n");
        Add("multipart-encoding-invalid", Head + Mv + "Content-Type: multipart/mixed; boundary=b\n^^Content-Transfer-Encoding: base64\n\n--b\n\nx\n--b--\n");
        Add("cte-unknown", Head + Mv + "^^Content-Transfer-Encoding: x-uuencode-ish\n\nbody\n");
        Add("base64-invalid", Head + Mv + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nQUJD^^!EFG\n");
        Add("base64-invalid", Head + Mv + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nQUJDREVG\nQUJ^^\n");
        Add("base64-invalid", Head + Mv + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nQUJDREVG\nQUJD^^R\n");
        Add("qp-invalid", Head + Mv + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nab^^=ZZcd\n");
        Add("qp-invalid", Head + Mv + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + new string('q', 76) + "^^qqqq\n");
        Add("8bit-in-7bit", Head + Mv + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\nab^^\u00C3\u00A9\n");
        Add("charset-unknown", Head + Mv + "^^Content-Type: text/plain; charset=x-unknown-charset-42\n\nbody\n");
        Add("charset-decode-error", Head + Mv + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nab^^\u00FFcd\n");

        // Inside a transfer encoding the decoded octets are checked: "ab\xFFcd" in base64 ('/' completes 0xFF), the
        // same in quoted-printable, a non-ASCII escape in us-ascii text, and base64 text that ends inside a sequence
        // ("caf\xC3": the second 'w' completes the lead octet 0xC3 that nothing follows).
        Add("charset-decode-error", Head + Mv + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nYWL^^/Y2Q=\n");
        Add("charset-decode-error", Head + Mv + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nab^^=FFcd\n");
        Add("charset-decode-error", Head + Mv + "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: quoted-printable\n\ncaf^^=E9\n");
        Add("charset-decode-error", Head + Mv + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nY2Fmw^^w==\n");
        // A whole line of alphabet characters, which the base64 fast path takes ("ab\xFFcdefgh"), then the padded end.
        Add("charset-decode-error", Head + Mv + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nYWL^^/Y2RlZmdo\nQQ==\n");
        Add("rfc2231-invalid", Head + Mv + "Content-Type: application/pdf\n^^Content-Disposition: attachment; filename*=utf-8''%ZZ.pdf\n\nx\n");
        Add("rfc2231-invalid", Head + Mv + "Content-Type: application/pdf\n^^Content-Disposition: attachment; filename*0=a; filename*2=b\n\nx\n");
        Add("mime-field-duplicate", Head + Mv + "Content-Type: text/plain\n^^Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n");
        Add("mime-field-duplicate", Head + Mv + "Content-Transfer-Encoding: 7bit\n^^Content-Transfer-Encoding: 7BIT\n\nx\n");
        Add("mime-field-invalid", Head + "^^MIME-Version: \nContent-Type: text/plain\n\nx\n");
        Add("mime-field-invalid", Head + Mv + "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: image/jpeg\n^^Content-Disposition: ; filename=a.jpg\n\nx\n--b--\n");
        Add("message-truncated", Head + "^^");
        Add("message-truncated", Head + Mv + "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nFrom: a@example.com\nDate: Mon, 4 Mar 2024 10:00:00 +0000\n^^--b--\n");
        Add("line-bare-lf", (Head + "\nline one\nline two^^\n").Replace("\n", "\r\n").Replace("two^^\r\n", "two^^\n"), "fixed");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Failing_fixture_is_reported_at_the_marked_offset(string rule, string template, string endings)
    {
        foreach (var newline in endings == "fixed" ? new[] { "\n" } : new[] { "\n", "\r\n" })
        {
            var (bytes, offset) = Build(template, newline);
            Assert.True(offset >= 0, "The template has no marker.");
            foreach (var chunk in new[] { 0, 1, 7, 4096 })
            {
                var findings = Lint(bytes, chunk: chunk);
                var hit = findings.Where(f => f.Rule == rule).ToList();
                Assert.True(hit.Count > 0, $"{rule} not reported ({Show(newline)}, chunk {chunk}); got: {Describe(findings)}");
                Assert.True(hit.Any(f => f.Offset == offset),
                    $"{rule} at {string.Join(",", hit.Select(f => f.Offset))}, expected {offset} ({Show(newline)}, chunk {chunk}); got: {Describe(findings)}");
                var rule0 = MimeRuleCatalog.Find(rule)!;
                Assert.All(hit, f => Assert.Equal(rule0.Reference, f.Reference));
            }
        }
    }

    [Fact]
    public void Every_rule_has_a_failing_fixture_or_a_dedicated_test()
    {
        var covered = Cases().Select(c => (string)c[0]).ToHashSet();
        covered.UnionWith(new[] { "nesting-too-deep", "parts-too-many", "size-limit" }); // LimitTests
        var missing = MimeRuleCatalog.All.Select(r => r.Id).Where(id => !covered.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "Rules without a failing fixture: " + string.Join(", ", missing));
    }

    [Fact]
    public void Header_findings_name_the_field_and_the_line()
    {
        var (bytes, offset) = Build(Head + "^^Subject: again\n\nbody\n", "\r\n");
        var f = Assert.Single(Lint(bytes));
        Assert.Equal("duplicate-header", f.Rule);
        Assert.Equal("Subject", f.Header);
        Assert.Equal(6, f.Line);
        Assert.Equal("0", f.Part);
        Assert.Equal(offset, f.Offset);
    }

    [Fact]
    public void Invalid_utf8_in_a_header_is_an_error_and_utf8_a_warning()
    {
        var (utf8, _) = Build(Head.Replace("Subject: hi", "Subject: caf\u00C3\u00A9") + "\nbody\n", "\r\n");
        var (latin1, _) = Build(Head.Replace("Subject: hi", "Subject: caf\u00E9") + "\nbody\n", "\r\n");
        Assert.Equal(MimeSeverity.Warning, Assert.Single(Lint(utf8)).Severity);
        Assert.Equal(MimeSeverity.Error, Assert.Single(Lint(latin1)).Severity);
    }

    [Fact]
    public void Part_paths_point_into_the_tree()
    {
        var template = Head + Mv + "Content-Type: multipart/mixed; boundary=outer\n\n--outer\n\nfirst\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\n\nplain\n--inner\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\nab^^\u00C3\u00A9\n--inner--\n--outer--\n";
        var (bytes, offset) = Build(template, "\r\n");
        var f = Assert.Single(Lint(bytes));
        Assert.Equal("8bit-in-7bit", f.Rule);
        Assert.Equal("2.2", f.Part);
        Assert.Equal(offset, f.Offset);
    }

    private static string Show(string newline) => newline == "\n" ? "LF" : "CRLF";
}
