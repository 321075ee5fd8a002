using System.Text;
using Outage.Tools.Core.Mime;
using Xunit;
using static Outage.Tools.Core.Tests.Mime.MimeTestKit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>The passing fixtures: well-formed mail (obsolete-but-valid syntax included) gives no finding at all.</summary>
public sealed class WellFormedTests
{
    [Theory]
    [InlineData("valid-nested.eml")]
    [InlineData("valid-simple-8bit.eml")]
    [InlineData("valid-digest.eml")]
    public void Well_formed_fixture_has_no_finding_with_LF_or_CRLF(string name)
    {
        var lf = File.ReadAllBytes(Fixture(name));
        Assert.DoesNotContain((byte)'\r', lf);
        var crlf = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(lf).Replace("\n", "\r\n", StringComparison.Ordinal));
        foreach (var bytes in new[] { lf, crlf })
        {
            foreach (var chunk in new[] { 0, 1, 13 })
            {
                var findings = Lint(bytes, chunk: chunk);
                Assert.True(findings.Count == 0, $"{name}: {Describe(findings)}");
            }
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(76)]
    public void Utf8_text_in_base64_and_quoted_printable_is_well_formed_however_it_is_split(int lineLength)
    {
        // Multi-octet sequences cut across base64 lines, and across a quoted-printable soft line break.
        var text = "Grüße aus Köln — 5 € for the café; 日本語 and 🙂 too.\n";
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        var lines = Enumerable.Range(0, (b64.Length + lineLength - 1) / lineLength)
            .Select(i => b64.Substring(i * lineLength, Math.Min(lineLength, b64.Length - (i * lineLength))));
        var message = Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n" +
            "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + string.Join("\n", lines) + "\n" +
            "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=C3=9Fe, caf=C3=\n=A9 =E2=82=AC=\n5 and =F0=9F=99=82\n" +
            "--b\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: quoted-printable\n\na =3D b, soft=\nbreak\n" +
            "--b--\n";
        var (bytes, _) = Build(message, "\r\n");
        foreach (var chunk in new[] { 0, 1, 7 })
        {
            var findings = Lint(bytes, chunk: chunk);
            Assert.True(findings.Count == 0, Describe(findings));
        }
    }

    [Fact]
    public void Every_rule_passes_on_the_inline_well_formed_message()
    {
        var (bytes, _) = Build(Head + "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nHello.\n", "\r\n");
        Assert.Empty(Lint(bytes));
    }
}

/// <summary>Limits, and hostile inputs that must stay linear and bounded.</summary>
public sealed class LimitTests
{
    private static string Nested(int depth)
    {
        var sb = new StringBuilder(Head + "MIME-Version: 1.0\n");
        for (var i = 0; i < depth; i++)
        {
            sb.Append("Content-Type: multipart/mixed; boundary=b").Append(i).Append("z\n\n--b").Append(i).Append("z\n");
        }

        sb.Append("\nleaf\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            sb.Append("--b").Append(i).Append("z--\n");
        }

        return sb.ToString();
    }

    [Fact]
    public void Nesting_Postfix_passes_is_fine_and_deeper_is_reported_at_the_part_header()
    {
        // Postfix passes mime_nesting_limit + 2 nested multiparts and refuses one more (PostfixLimitsTests).
        var (ok, _) = Build(Nested(102), "\r\n");
        Assert.True(Lint(ok).Count == 0, Describe(Lint(ok)));

        var options = new MimeLintOptions { NestingLimit = 2 };
        var (fine, _) = Build(Nested(4), "\r\n");
        Assert.True(Lint(fine, options).Count == 0, Describe(Lint(fine, options)));
        var (deep, _) = Build(Nested(5), "\r\n");
        var f = Assert.Single(Lint(deep, options));
        Assert.Equal("nesting-too-deep", f.Rule);
        Assert.True(f.Poison);
        var text = Encoding.Latin1.GetString(deep);
        Assert.Equal(text.IndexOf("--b3z\r\n", StringComparison.Ordinal) + 7, f.Offset);
        Assert.Equal("1.1.1.1", f.Part);
    }

    [Fact]
    public void Hundred_thousand_nested_parts_are_linear_and_bounded()
    {
        var (bytes, _) = Build(Nested(100_000), "\r\n");
        var linter = new MimeLinter();
        linter.Feed(bytes, 0, bytes.Length);
        var findings = linter.Finish();
        Assert.Equal(bytes.Length, linter.BytesProcessed);
        Assert.Contains(findings, f => f.Rule == "nesting-too-deep");
        Assert.True(findings.Count <= MimeRuleCatalog.All.Count * 100);
    }

    [Fact]
    public void Parts_over_the_limit_are_reported_at_the_first_extra_delimiter()
    {
        var (bytes, offset) = Build(Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\n1\n--b\n\n2\n^^--b\n\n3\n--b--\n", "\r\n");
        var f = Assert.Single(Lint(bytes, new MimeLintOptions { PartsLimit = 2 }));
        Assert.Equal("parts-too-many", f.Rule);
        Assert.Equal(offset, f.Offset);
    }

    [Fact]
    public void A_million_boundary_lines_are_linear()
    {
        var sb = new StringBuilder(Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n");
        for (var i = 0; i < 1_000_000; i++)
        {
            sb.Append("--b\n");
        }

        sb.Append("--b--\n");
        var (bytes, _) = Build(sb.ToString(), "\n");
        var findings = Lint(bytes);
        Assert.Contains(findings, f => f.Rule == "parts-too-many");
        Assert.True(findings.Count < 50, Describe(findings));
    }

    [Fact]
    public void Size_limit_points_at_the_first_octet_over_it()
    {
        var (bytes, _) = Build(Head + "\nbody\n", "\r\n");
        var f = Assert.Single(Lint(bytes, new MimeLintOptions { SizeLimit = 50 }));
        Assert.Equal("size-limit", f.Rule);
        Assert.Equal(50, f.Offset);
        Assert.Equal(2, f.Line); // "To: bob@example.com" holds octet 50
    }

    [Fact]
    public void A_huge_header_is_bounded_and_reported_once()
    {
        var big = new byte[20 * 1024 * 1024];
        Array.Fill(big, (byte)'a');
        var (head, _) = Build(Head + "X-Huge: ", "\r\n");
        var linter = new MimeLinter();
        linter.Feed(head, 0, head.Length);
        linter.Feed(big, 0, big.Length);
        var tail = Encoding.ASCII.GetBytes("\r\n\r\nbody\r\n");
        linter.Feed(tail, 0, tail.Length);
        var findings = linter.Finish();
        Assert.Single(findings, f => f.Rule == "header-too-long");
        Assert.Single(findings, f => f.Rule == "line-too-long");
        Assert.Equal(head.Length + big.Length + tail.Length, linter.BytesProcessed);
    }

    [Fact]
    public void Findings_per_rule_are_capped()
    {
        var sb = new StringBuilder(Head + "\n");
        for (var i = 0; i < 10_000; i++)
        {
            sb.Append("a\rb\n");
        }

        var (bytes, _) = Build(sb.ToString(), "\r\n");
        var findings = Lint(bytes);
        Assert.Equal(100, findings.Count(f => f.Rule == "line-bare-cr"));
    }
}
