using System.Text;
using BenchmarkDotNet.Attributes;
using Outage.Tools.Core.Mime;

namespace Outage.Tools.Benchmarks.Mime;

/// <summary>
/// Linter throughput on in-memory messages (no I/O): a realistic multipart message, a large base64 attachment
/// and a pathological body of boundary-like lines. Bytes/s = message size / mean time.
/// dotnet run -c Release --project tests/Outage.Tools.Benchmarks -- --filter '*MimeLint*'
/// </summary>
[MemoryDiagnoser]
public class MimeLintBenchmarks
{
    private byte[] _multipart = Array.Empty<byte>();
    private byte[] _base64 = Array.Empty<byte>();
    private byte[] _dashes = Array.Empty<byte>();

    [GlobalSetup]
    public void Setup()
    {
        const string head = "From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nDate: Mon, 4 Mar 2024 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\nSubject: report\r\nMIME-Version: 1.0\r\n";
        var text = new StringBuilder(head + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
        for (var i = 0; i < 200; i++)
        {
            text.Append("The quarterly figures are attached; caf=C3=A9 numbers look fine this time around.\r\n");
        }

        text.Append("--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n");
        for (var i = 0; i < 200; i++)
        {
            text.Append("<p>The quarterly figures are attached; numbers look fine this time around.</p>\r\n");
        }

        text.Append("--b1--\r\n");
        _multipart = Encoding.ASCII.GetBytes(text.ToString());

        var random = new Random(1);
        var payload = new byte[8 * 1024 * 1024];
        random.NextBytes(payload);
        var b64 = Convert.ToBase64String(payload, Base64FormattingOptions.InsertLineBreaks);
        _base64 = Encoding.ASCII.GetBytes(head + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n");

        var dashes = new StringBuilder(head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (var i = 0; i < 100_000; i++)
        {
            dashes.Append("--c\r\n");
        }

        _dashes = Encoding.ASCII.GetBytes(dashes.ToString());
    }

    private static int Lint(byte[] bytes)
    {
        var linter = new MimeLinter();
        for (var i = 0; i < bytes.Length; i += 65536)
        {
            linter.Feed(bytes, i, Math.Min(65536, bytes.Length - i));
        }

        return linter.Finish().Count;
    }

    [Benchmark]
    public int Multipart_text() => Lint(_multipart);

    [Benchmark]
    public int Base64_8MiB() => Lint(_base64);

    [Benchmark]
    public int Boundary_like_lines_100k() => Lint(_dashes);
}
