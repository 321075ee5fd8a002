using System.Text;
using Outage.Tools.Core.Mime;
using Xunit;
using static Outage.Tools.Core.Tests.Mime.MimeTestKit;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>
/// The linter's fast paths (whole lines consumed in bulk, eight octets at a time) must give exactly what the
/// general line-by-line path gives: the same findings (rule, severity, offset, line, part, header, message), the
/// same part tree and line counts. Each case runs with the fast paths on and off, fed whole and in chunks, with
/// the octet that sends a line back to the general path at every position within and around a word of eight,
/// and with lines across the end of the fast path's 16 KiB window.
/// </summary>
public sealed class FastPathTests
{
    private const string Base64Head = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n";

    private static string Alphabet(int length, int seed)
    {
        const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            sb.Append(chars[(i * 7 + seed * 13) % 64]);
        }

        return sb.ToString();
    }

    private static (IReadOnlyList<MimeFinding> Findings, IReadOnlyList<MimePartInfo> Parts, long Bytes, long FastLines) Run(byte[] bytes, bool fast, int chunk,
        MimeLintOptions? options = null, long baseOffset = 0, long firstLine = 1)
    {
        var linter = new MimeLinter(options, "t", baseOffset, firstLine, recordParts: true) { FastPaths = fast };
        if (chunk == 0)
        {
            linter.Feed(bytes, 0, bytes.Length);
        }
        else
        {
            // chunk < 0: chunks of varying size (the fast path's window is sized to the first chunk it sees).
            var sizes = chunk > 0 ? new[] { chunk } : new[] { 100, 5000, 17, 30000, 900, 1, 20000 };
            for (int i = 0, k = 0; i < bytes.Length; i += sizes[k++ % sizes.Length])
            {
                // A copy at an odd offset in a larger array, so the linter can look only at its range.
                var n = Math.Min(sizes[k % sizes.Length], bytes.Length - i);
                var part = new byte[n + 11];
                Array.Fill(part, (byte)'A');
                Array.Copy(bytes, i, part, 3, n);
                linter.Feed(part, 3, n);
            }
        }

        return (linter.Finish(), linter.Parts, linter.BytesProcessed, linter.FastPathLines);
    }

    private static string Findings(IReadOnlyList<MimeFinding> findings) =>
        string.Join("\n", findings.Select(f => $"{f.Rule}|{f.Severity}|{f.Offset}|{f.Line}|{f.Part}|{f.Header}|{f.Message}"));

    private static string Parts(IReadOnlyList<MimePartInfo> parts) =>
        string.Join("\n", parts.Select(p => $"{p.Part}|{p.Depth}|{p.ContentType}|{p.TransferEncoding}|{p.HeaderOffset}|{p.BodyOffset}|{p.HeaderSize}|{p.BodySize}|{p.LineCount}"));

    /// <summary>
    /// Fast paths on and off, whole and in the given chunk sizes (-1: sizes that vary from chunk to chunk): identical
    /// results. Returns the lines the fast paths took when fed whole.
    /// </summary>
    internal static long AssertSameAsGeneralPath(byte[] bytes, MimeLintOptions? options = null, params int[] chunks) =>
        AssertSameAsGeneralPath(bytes, options, 0, 1, chunks);

    /// <summary>The same for a message that starts at <paramref name="baseOffset"/> and line <paramref name="firstLine"/> of its file (an mbox).</summary>
    internal static long AssertSameAsGeneralPath(byte[] bytes, MimeLintOptions? options, long baseOffset, long firstLine, params int[] chunks)
    {
        var reference = Run(bytes, fast: false, chunk: 0, options, baseOffset, firstLine);
        Assert.Equal(0, reference.FastLines);
        var fastLines = -1L;
        foreach (var chunk in new[] { 0 }.Concat(chunks))
        {
            var fast = Run(bytes, fast: true, chunk, options, baseOffset, firstLine);
            Assert.Equal(Findings(reference.Findings), Findings(fast.Findings));
            Assert.Equal(Parts(reference.Parts), Parts(fast.Parts));
            Assert.Equal(reference.Bytes, fast.Bytes);
            fastLines = fastLines < 0 ? fast.FastLines : fastLines;
        }

        return fastLines;
    }

    [Fact]
    public void The_base64_word_test_marks_exactly_the_octets_outside_the_alphabet_at_every_position()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (var position = 0; position < 8; position++)
        {
            for (var b = 0; b < 256; b++)
            {
                var word = Encoding.ASCII.GetBytes("AzAz09+/");
                word[position] = (byte)b;
                var expected = alphabet.Contains((char)b, StringComparison.Ordinal) ? 0UL : 0x80UL << (8 * position);
                Assert.Equal(expected, MimeLinter.NotBase64(BitConverter.ToUInt64(word, 0)));
            }
        }

        // Neighbours do not disturb each other (no carry between octets): every pair of the extremes.
        var extremes = new byte[] { 0x00, 0x2A, 0x2B, 0x2C, 0x2E, 0x2F, 0x39, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xAB, 0xC1, 0xFF };
        foreach (var a in extremes)
        {
            foreach (var c in extremes)
            {
                var word = new byte[] { a, c, a, c, c, a, c, a };
                var expected = 0UL;
                for (var k = 0; k < 8; k++)
                {
                    expected |= alphabet.Contains((char)word[k], StringComparison.Ordinal) ? 0 : 0x80UL << (8 * k);
                }

                Assert.Equal(expected, MimeLinter.NotBase64(BitConverter.ToUInt64(word, 0)));
            }
        }
    }

    [Fact]
    public void The_lowest_marked_octet_is_found_for_every_set_of_marks()
    {
        for (var set = 1; set < 256; set++)
        {
            var marks = 0UL;
            for (var k = 0; k < 8; k++)
            {
                if ((set & (1 << k)) != 0)
                {
                    marks |= 0x80UL << (8 * k);
                }
            }

            Assert.Equal(System.Numerics.BitOperations.TrailingZeroCount(set), MimeLinter.LowestMarkedOctet(marks));
        }
    }

    public static TheoryData<string> Newlines() => new() { "\n", "\r\n" };

    [Theory]
    [MemberData(nameof(Newlines))]
    public void Base64_lines_of_every_length_around_the_word_width_and_the_line_limit(string newline)
    {
        var lengths = Enumerable.Range(0, 42).Concat(Enumerable.Range(70, 10)).Concat(Enumerable.Range(990, 12));
        foreach (var length in lengths)
        {
            var body = string.Concat(Enumerable.Range(0, 5).Select(k => Alphabet(length, k) + "\n"));
            var (bytes, _) = Build(Head + Base64Head + body + "QUI=\n--b--\n", newline);
            var fastLines = AssertSameAsGeneralPath(bytes, null, 1, 7, 8, 9, 64, 77, 78, 79, 1000);
            Assert.Equal(length <= 998 ? 5 : 0, fastLines);
        }
    }

    [Theory]
    [MemberData(nameof(Newlines))]
    public void An_octet_that_ends_the_fast_path_at_every_position_of_a_line(string newline)
    {
        var specials = new[] { '\r', '\n', '\0', '\u0080', '\u00ff', '=', ' ', '\t', '-', '.', ',', ':', '*', '@', '[', '`', '{', '\u007f', '\u00c3' };
        foreach (var special in specials)
        {
            foreach (var length in new[] { 7, 8, 9, 16, 17, 24, 76 })
            {
                for (var position = 0; position <= Math.Min(length, 19); position++)
                {
                    var line = Alphabet(length, position);
                    var bad = line.Substring(0, position) + special + line.Substring(position);
                    var body = Alphabet(76, 1) + "\n" + Alphabet(76, 2) + "\n" + bad + "\n" + Alphabet(76, 3) + "\n" + Alphabet(8, 4) + "\n";
                    var (bytes, _) = Build(Head + Base64Head + body + "--b--\n", newline);
                    Assert.True(AssertSameAsGeneralPath(bytes, null, 13, 64) >= 2);
                }
            }
        }
    }

    [Fact]
    public void Defects_inside_a_long_base64_body_are_found_at_their_offsets()
    {
        var lines = Enumerable.Range(0, 40).Select(k => Alphabet(76, k)).ToArray();
        lines[10] = lines[10].Substring(0, 33) + "^^\0" + lines[10].Substring(33);
        var (bytes, offset) = Build(Head + Base64Head + string.Join("\n", lines) + "\n--b--\n", "\r\n");
        var findings = Lint(bytes);
        var nul = Assert.Single(findings, f => f.Rule == "nul-byte");
        Assert.Equal(offset, nul.Offset);
        var base64 = Assert.Single(findings, f => f.Rule == "base64-invalid");
        Assert.Equal(offset, base64.Offset);
        Assert.Equal(39, AssertSameAsGeneralPath(bytes, null, 1, 100, 4096));

        lines = Enumerable.Range(0, 40).Select(k => Alphabet(76, k)).ToArray();
        lines[20] = "^^" + Alphabet(1200, 5);
        (bytes, offset) = Build(Head + Base64Head + string.Join("\n", lines) + "\n--b--\n", "\n");
        var tooLong = Assert.Single(Lint(bytes), f => f.Rule == "line-too-long");
        Assert.Equal(offset + 998, tooLong.Offset);
        Assert.Equal(5 + 7 + 20 + 1, tooLong.Line);
        Assert.Equal(39, AssertSameAsGeneralPath(bytes, null, 1, 100, 4096));
    }

    [Fact]
    public void Lines_across_the_end_of_the_window_at_every_offset()
    {
        // The window holds 16 KiB of the chunk; shift the body by 0-80 octets so that every position of a
        // line, its CR and its LF in turn falls on the window's last octet and the one after it.
        foreach (var newline in new[] { "\n", "\r\n" })
        {
            for (var shift = 0; shift <= 80; shift++)
            {
                var body = string.Concat(Enumerable.Range(0, 260).Select(k => Alphabet(76, k) + "\n"));
                var (bytes, _) = Build(Head + "X-Pad: " + new string('p', shift) + "\n" + Base64Head + body + "QUI=\n--b--\n", newline);
                var fastLines = AssertSameAsGeneralPath(bytes, null, 65536, 16384, 16385, 20000, -1);
                Assert.Equal(260, fastLines);
            }
        }

        // A line longer than the window, and one that is 998 octets and ends across it.
        foreach (var length in new[] { 998, 999, 17000 })
        {
            var body = string.Concat(Enumerable.Range(0, 30).Select(k => Alphabet(k == 15 ? length : 76, k) + "\n"));
            var (bytes, _) = Build(Head + Base64Head + body + "--b--\n", "\r\n");
            AssertSameAsGeneralPath(bytes, null, 1000, 16384, 65536, -1);
        }
    }

    [Theory]
    [MemberData(nameof(Newlines))]
    public void Line_break_style_changes_and_truncation_inside_base64(string newline)
    {
        var other = newline == "\n" ? "\r\n" : "\n";
        var body = Alphabet(76, 1) + newline + Alphabet(76, 2) + other + Alphabet(76, 3) + newline + Alphabet(76, 4) + "\r" + Alphabet(4, 5) + newline;
        var bytes = Encoding.Latin1.GetBytes((Head + Base64Head).Replace("\n", newline, StringComparison.Ordinal) + body + Alphabet(40, 6));
        AssertSameAsGeneralPath(bytes, null, 1, 2, 3, 77, 78, 79, 80);
    }

    [Fact]
    public void The_size_limit_line_is_the_same_when_the_limit_falls_inside_base64()
    {
        var body = string.Concat(Enumerable.Range(0, 200).Select(k => Alphabet(76, k) + "\n"));
        var (bytes, _) = Build(Head + Base64Head + body + "--b--\n", "\r\n");
        for (var limit = 900; limit < 1300; limit += 7)
        {
            Assert.True(AssertSameAsGeneralPath(bytes, new MimeLintOptions { SizeLimit = limit }, 64, 1000) > 190);
        }
    }

    [Fact]
    public void A_message_that_starts_inside_its_file_as_in_an_mbox()
    {
        var body = string.Concat(Enumerable.Range(0, 300).Select(k => Alphabet(76, k) + "\n")) + Alphabet(3, 1) + "=\n";
        var (bytes, _) = Build(Head + Base64Head + body + "--b--\n", "\r\n");
        foreach (var (baseOffset, firstLine) in new[] { (1L, 2L), (123_456_789L, 4_000_000L) })
        {
            var limits = new MimeLintOptions { SizeLimit = 10_000 };
            Assert.Equal(300, AssertSameAsGeneralPath(bytes, limits, baseOffset, firstLine, 1000, 16384, -1));
            var findings = Run(bytes, fast: true, chunk: 0, limits, baseOffset, firstLine).Findings;
            Assert.Contains(findings, f => f.Rule == "size-limit" && f.Offset == baseOffset + 10_000);
        }
    }

    [Fact]
    public void Nested_base64_parts_padding_and_concatenated_base64()
    {
        var inner = "--b\nContent-Type: message/rfc822\n\n" + Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=c\n\n--c\nContent-Transfer-Encoding: base64\n\n"
            + Alphabet(76, 1) + "\n" + Alphabet(75, 2) + "=\nQUJD\n--c\nContent-Transfer-Encoding: BASE64\n\n" + Alphabet(76, 3) + "\n" + Alphabet(10, 3) + "\n--c--\n";
        var text = Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n" + inner + "--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
            + Alphabet(76, 7) + "\n\n" + Alphabet(76, 8) + "\n--b--\n";
        foreach (var newline in new[] { "\n", "\r\n" })
        {
            var (bytes, _) = Build(text, newline);
            AssertSameAsGeneralPath(bytes, null, 1, 5, 64, 81);
        }
    }

    [Fact]
    public void Mutations_of_a_base64_message_give_the_same_findings_on_both_paths()
    {
        var body = string.Concat(Enumerable.Range(0, 60).Select(k => Alphabet(k % 9 == 0 ? 64 : 76, k) + "\r\n"));
        var seed = Encoding.Latin1.GetBytes((Head + Base64Head).Replace("\n", "\r\n", StringComparison.Ordinal) + body + "QUI=\r\n--b--\r\n");
        var tokens = new[] { "\r", "\n", "\r\n", "=", "==", " ", "\t", "\0", "\u00ff", "-", "--b", "--b--", "\r\n\r\n", "A", "+/" }
            .Select(Encoding.Latin1.GetBytes).ToArray();
        var random = new Random(7);
        for (var i = 0; i < 1500; i++)
        {
            var data = new List<byte>(seed);
            for (var k = 1 + random.Next(4); k > 0; k--)
            {
                var at = random.Next(data.Count);
                switch (random.Next(3))
                {
                    case 0:
                        data.InsertRange(at, tokens[random.Next(tokens.Length)]);
                        break;
                    case 1:
                        data.RemoveRange(at, Math.Min(random.Next(1, 90), data.Count - at));
                        break;
                    default:
                        data[at] = (byte)random.Next(256);
                        break;
                }
            }

            AssertSameAsGeneralPath(data.ToArray(), null, 1 + random.Next(200), -1);
        }
    }
}
