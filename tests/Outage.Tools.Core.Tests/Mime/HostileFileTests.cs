using System.Text;
using Outage.Tools.Core.Mime;
using Xunit;
using Xunit.Abstractions;

namespace Outage.Tools.Core.Tests.Mime;

/// <summary>Memory is measured (GC heap after a full collection), so these run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(MemoryMeasured), DisableParallelization = true)]
public sealed class MemoryMeasured
{
}

/// <summary>
/// Files a broken or hostile system leaves behind: a 2 GB sparse file, a 50 MB header line, multipart nested
/// 10,000 deep, a million parts, an mbox of 500,000 messages. Each is read to its end, streamed from disk or from
/// a generator (never held whole), with the findings capped; the heap the linter keeps is measured and stays
/// bounded whatever the size. The figures are printed (dotnet test --logger "console;verbosity=detailed").
/// </summary>
[Collection(nameof(MemoryMeasured))]
public sealed class HostileFileTests
{
    private const long RetainedLimit = 64L << 20;
    private readonly ITestOutputHelper _out;

    public HostileFileTests(ITestOutputHelper output) => _out = output;

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>A read-only stream over generated chunks: the test input never exists whole in memory.</summary>
    private sealed class GeneratedStream : Stream
    {
        private readonly IEnumerator<byte[]> _chunks;
        private byte[] _current = Array.Empty<byte>();
        private int _pos;

        public GeneratedStream(IEnumerable<byte[]> chunks) => _chunks = chunks.GetEnumerator();

        public long Produced { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_pos >= _current.Length)
            {
                if (!_chunks.MoveNext())
                {
                    return 0;
                }

                _current = _chunks.Current;
                _pos = 0;
            }

            var n = Math.Min(count, _current.Length - _pos);
            Buffer.BlockCopy(_current, _pos, buffer, offset, n);
            _pos += n;
            Produced += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Produced; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Lints <paramref name="stream"/>, sampling the heap after a full collection while it runs; returns the reports' count and the largest growth.</summary>
    private (long Reports, long Findings, long Retained) Measure(Stream stream, bool mbox, string what)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        var reports = 0L;
        var findings = 0L;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var report in MimeLint.LintStream(stream, what, mbox))
        {
            reports++;
            findings += report.Findings.Count;
            if (reports % 50_000 == 1)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        _out.WriteLine($"{what}: {reports:N0} reports, {findings:N0} findings, heap growth at most {peak / 1024.0 / 1024:0.0} MB, {watch.Elapsed.TotalSeconds:0.0} s (shared machine)");
        return (reports, findings, peak);
    }

    [Fact]
    public void A_two_gigabyte_sparse_file_is_read_to_its_end_in_bounded_memory()
    {
        var path = Path.Combine(Path.GetTempPath(), "outage-sparse-" + Guid.NewGuid().ToString("N") + ".eml");
        try
        {
            using (var f = new FileStream(path, FileMode.CreateNew))
            {
                f.Write(Ascii(MimeTestKit.Head + "\n"));
                f.SetLength(2L << 30); // a hole of zeros on the file systems that support sparse files
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var (reports, findings, retained) = Measure(stream, mbox: false, "2 GB sparse file");
            Assert.Equal(1, reports);
            Assert.InRange(findings, 1, MimeRuleCatalog.All.Count * new MimeLintOptions().MaxFindingsPerRule);
            Assert.True(retained < RetainedLimit, $"{retained:N0} bytes kept");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_50_MB_single_header_line_is_reported_once_in_bounded_memory()
    {
        var line = new byte[1 << 20];
        Array.Fill(line, (byte)'a');
        var chunks = new[] { Ascii(MimeTestKit.Head.Replace("\n", "\r\n", StringComparison.Ordinal) + "X-Huge: ") }
            .Concat(Enumerable.Repeat(line, 50))
            .Append(Ascii("\r\n\r\nbody\r\n"));
        var stream = new GeneratedStream(chunks);
        var (reports, _, retained) = Measure(stream, mbox: false, "50 MB header line");
        Assert.Equal(1, reports);
        Assert.True(retained < RetainedLimit, $"{retained:N0} bytes kept");
        using var again = new GeneratedStream(new[] { Ascii(MimeTestKit.Head + "X-Huge: ") }.Concat(Enumerable.Repeat(line, 50)).Append(Ascii("\n\nbody\n")));
        var findings = MimeLint.LintStream(again, "x", mbox: false).Single().Findings;
        Assert.Single(findings, f => f.Rule == "header-too-long");
        Assert.Single(findings, f => f.Rule == "line-too-long");
    }

    private static IEnumerable<byte[]> Nested(int depth)
    {
        yield return Ascii(MimeTestKit.Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b0\n\n");
        for (var i = 1; i <= depth; i++)
        {
            yield return Ascii($"--b{i - 1}\nContent-Type: multipart/mixed; boundary=b{i}\n\n");
        }

        yield return Ascii($"--b{depth}\n\nleaf\n");
        for (var i = depth; i >= 0; i--)
        {
            yield return Ascii($"--b{i}--\n");
        }
    }

    [Fact]
    public void Multipart_nested_10000_deep_is_reported_in_bounded_memory()
    {
        using var stream = new GeneratedStream(Nested(10_000));
        var (_, findings, retained) = Measure(stream, mbox: false, "multipart nested 10,000 deep");
        Assert.InRange(findings, 1, MimeRuleCatalog.All.Count * new MimeLintOptions().MaxFindingsPerRule);
        Assert.True(retained < RetainedLimit, $"{retained:N0} bytes kept");
        using var again = new GeneratedStream(Nested(10_000));
        Assert.Contains(MimeLint.LintStream(again, "x", mbox: false).Single().Findings, f => f.Rule == "nesting-too-deep");
    }

    private static IEnumerable<byte[]> Parts(int count)
    {
        yield return Ascii(MimeTestKit.Head + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n");
        var part = Ascii("--b\nContent-Type: text/plain\n\np\n");
        for (var i = 0; i < count; i++)
        {
            yield return part;
        }

        yield return Ascii("--b--\n");
    }

    [Fact]
    public void A_million_parts_are_reported_in_bounded_memory()
    {
        using var stream = new GeneratedStream(Parts(1_000_000));
        var (_, findings, retained) = Measure(stream, mbox: false, "1,000,000 parts");
        Assert.InRange(findings, 1, MimeRuleCatalog.All.Count * new MimeLintOptions().MaxFindingsPerRule);
        Assert.True(retained < RetainedLimit, $"{retained:N0} bytes kept");
        using var again = new GeneratedStream(Parts(1_000_000));
        Assert.Contains(MimeLint.LintStream(again, "x", mbox: false).Single().Findings, f => f.Rule == "parts-too-many");
    }

    [Fact]
    public void An_mbox_of_500000_messages_streams_one_report_at_a_time_in_bounded_memory()
    {
        static IEnumerable<byte[]> Mbox(int count)
        {
            for (var i = 0; i < count; i++)
            {
                yield return Ascii($"From sender@example.com Mon Mar  4 10:00:00 2024\nFrom: a@example.com\nTo: b@example.com\nDate: Mon, 4 Mar 2024 10:00:00 +0000\nMessage-ID: <{i}@example.com>\nSubject: n{i}\n\nbody {i}\n\n");
            }
        }

        using var stream = new GeneratedStream(Mbox(500_000));
        var (reports, _, retained) = Measure(stream, mbox: true, "mbox of 500,000 messages");
        Assert.Equal(500_000, reports);
        Assert.True(retained < RetainedLimit, $"{retained:N0} bytes kept");
    }
}
