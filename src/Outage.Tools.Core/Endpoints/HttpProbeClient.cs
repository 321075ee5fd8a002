using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Outage.Tools.Core.Endpoints;

/// <summary>Response headers in arrival order (names compared without case).</summary>
internal sealed class HttpHeaderList
{
    private readonly List<KeyValuePair<string, string>> _items = new();

    public void Add(string name, string value) => _items.Add(new KeyValuePair<string, string>(name, value));

    public string? Get(string name) => _items.Where(i => string.Equals(i.Key, name, StringComparison.OrdinalIgnoreCase))
        .Select(i => i.Value).FirstOrDefault();

    public IEnumerable<string> GetAll(string name) =>
        _items.Where(i => string.Equals(i.Key, name, StringComparison.OrdinalIgnoreCase)).Select(i => i.Value);
}

/// <summary>One HTTP request for a hop.</summary>
internal sealed class HttpProbeRequest
{
    public string Method { get; set; } = "GET";

    public Uri Uri { get; set; } = null!;

    public List<KeyValuePair<string, string>> Headers { get; } = new();

    public byte[]? Body { get; set; }

    public string? ContentType { get; set; }
}

/// <summary>
/// A deliberately small HTTP/1.1 client over Socket and SslStream: one request per connection
/// (Connection: close), status line and headers capped, Content-Length, chunked or to-close bodies capped,
/// no automatic redirects. It exists to measure each phase and see the TLS facts exactly.
/// </summary>
internal static class HttpProbeClient
{
    public const int MaxLine = 16 * 1024;
    public const int MaxHeaderBytes = 64 * 1024;
    public const int MaxBody = 256 * 1024;

    public static readonly string[] SelectedHeaders =
    {
        "Server", "X-FEServer", "X-BEServer", "X-CalculatedBETarget", "X-OWA-Version", "request-id", "X-MS-Diagnostics",
        "X-DiagInfo", "X-Powered-By", "WWW-Authenticate", "Retry-After", "MS-ASProtocolVersions", "MS-ASProtocolCommands",
        "X-AspNet-Version",
    };

    /// <summary>Runs one hop. Failures are recorded on the hop (Error, FailedPhase), never thrown, except cancellation by the caller.</summary>
    public static async Task<HttpHop> SendAsync(HttpProbeRequest request, EndpointProbeOptions options, int index,
        CancellationToken cancellationToken)
    {
        var hop = new HttpHop { Index = index, Method = request.Method, Url = request.Uri.AbsoluteUri };
        var total = Stopwatch.StartNew();
        var phase = "DnsLookup";
        try
        {
            var host = request.Uri.IdnHost;
            using var connection = await ProbeConnection.OpenAsync(host, request.Uri.Port, options, hop.Timings, cancellationToken)
                .ConfigureAwait(false);
            hop.RemoteAddress = connection.RemoteEndPoint?.ToString();
            if (request.Uri.Scheme == "https")
            {
                phase = "TlsHandshake";
                hop.Tls = await connection.StartTlsAsync(host, options, hop.Timings, cancellationToken).ConfigureAwait(false);
                if (!hop.Tls.CertificateValid && !options.SkipCertificateCheck)
                {
                    hop.FailedPhase = "TlsHandshake";
                    hop.Error = "Certificate not valid: " + hop.Tls.Reason;
                    return hop;
                }
            }

            phase = "FirstByte";
            var head = BuildHead(request);
            var watch = Stopwatch.StartNew();
            await connection.Stream.WriteAsync(head, 0, head.Length, cancellationToken).ConfigureAwait(false);
            if (request.Body is { Length: > 0 })
            {
                await connection.Stream.WriteAsync(request.Body, 0, request.Body.Length, cancellationToken).ConfigureAwait(false);
            }

            await connection.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            await ReadResponseAsync(connection.Stream, hop, request.Method, request.Uri, watch, cancellationToken).ConfigureAwait(false);
        }
        catch (ProbeFailure failure)
        {
            hop.FailedPhase = failure.Phase;
            hop.Error = failure.Message;
        }
        catch (OperationCanceledException)
        {
            MarkTimeout(hop, request.Uri);
        }
        catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                MarkTimeout(hop, request.Uri);
            }
            else
            {
                hop.FailedPhase = phase;
                hop.Error = phase switch
                {
                    "FirstByte" => "The connection was reset or closed before the server answered: " + ex.Message,
                    "Body" => "The connection broke while reading the response body: " + ex.Message,
                    _ => ex.Message,
                };
            }
        }
        finally
        {
            hop.Timings.TotalMs = ProbeConnection.Ms(total);
        }

        return hop;
    }

    /// <summary>
    /// Reads one HTTP/1.1 response (RFC 9112 §2-§7: status line, header fields, body by chunked coding,
    /// Content-Length or close) from <paramref name="stream"/> into <paramref name="hop"/>, within the caps
    /// (MaxLine, MaxHeaderBytes, MaxBody). Throws <see cref="ProbeFailure"/> for a response it cannot read.
    /// </summary>
    internal static async Task ReadResponseAsync(Stream stream, HttpHop hop, string method, Uri uri, Stopwatch? watch,
        CancellationToken cancellationToken)
    {
        var reader = new LineReader(stream);
        var statusLine = await reader.ReadLineAsync(MaxLine, cancellationToken).ConfigureAwait(false);
        if (watch is not null)
        {
            hop.Timings.FirstByteMs = ProbeConnection.Ms(watch);
        }

        if (statusLine is null)
        {
            throw new ProbeFailure("FirstByte", "ProtocolError", "The server closed the connection without answering.");
        }

        ParseStatusLine(statusLine, hop);
        var headers = new HttpHeaderList();
        var headerBytes = statusLine.Length;
        while (true)
        {
            var line = await reader.ReadLineAsync(MaxLine, cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                throw new ProbeFailure("FirstByte", "ProtocolError", "The connection closed in the middle of the response headers.");
            }

            if (line.Length == 0)
            {
                break;
            }

            headerBytes += line.Length;
            if (headerBytes > MaxHeaderBytes)
            {
                throw new ProbeFailure("FirstByte", "ProtocolError", $"The response headers exceed {MaxHeaderBytes / 1024} KB.");
            }

            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers.Add(line.Substring(0, colon).Trim(), line.Substring(colon + 1).Trim());
            }
        }

        ApplyHeaders(hop, headers, uri);
        if (method != "HEAD" && hop.StatusCode != 204 && hop.StatusCode != 304 && hop.StatusCode >= 200)
        {
            try
            {
                hop.Body = await ReadBodyAsync(reader, headers, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when ((ex is IOException || ex is SocketException || ex is ObjectDisposedException) &&
                                       !cancellationToken.IsCancellationRequested)
            {
                throw new ProbeFailure("Body", "ProtocolError", "The connection broke while reading the response body: " + ex.Message, ex);
            }
        }
    }

    /// <summary>The probe's time ran out (or the caller stopped): the phase is the first one not completed.</summary>
    private static void MarkTimeout(HttpHop hop, Uri uri)
    {
        var t = hop.Timings;
        hop.TimedOut = true;
        hop.FailedPhase = t.DnsLookupMs is null ? "DnsLookup" : t.ConnectMs is null ? "Connect"
            : uri.Scheme == "https" && t.TlsHandshakeMs is null ? "TlsHandshake" : t.FirstByteMs is null ? "FirstByte" : "Body";
        hop.Error = hop.FailedPhase switch
        {
            "DnsLookup" => "Timed out resolving the name.",
            "Connect" => "Timed out connecting (no answer to SYN: a firewall dropping packets, or a wrong address).",
            "TlsHandshake" => "Timed out in the TLS handshake (the port accepts TCP but does not speak TLS, or the server hangs).",
            "FirstByte" => "Timed out waiting for the first byte of the answer (the server accepted the request but did not respond).",
            _ => "Timed out reading the response body.",
        };
    }

    private static byte[] BuildHead(HttpProbeRequest request)
    {
        var uri = request.Uri;
        var sb = new StringBuilder();
        sb.Append(request.Method).Append(' ').Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("User-Agent: Outage.Tools-Probe/1.0\r\n");
        sb.Append("Accept: */*\r\n");
        sb.Append("Connection: close\r\n");
        foreach (var header in request.Headers)
        {
            sb.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        if (request.Body is not null)
        {
            if (request.ContentType is not null)
            {
                sb.Append("Content-Type: ").Append(request.ContentType).Append("\r\n");
            }

            sb.Append("Content-Length: ").Append(request.Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }
        else if (request.Method is "POST" or "PUT")
        {
            sb.Append("Content-Length: 0\r\n");
        }

        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static void ParseStatusLine(string line, HttpHop hop)
    {
        // HTTP/1.1 200 OK
        var parts = line.Split(new[] { ' ' }, 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code < 100 || code > 999)
        {
            throw new ProbeFailure("FirstByte", "ProtocolError",
                $"The server did not answer with HTTP (first line: '{Printable(line, 80)}'). Is this port HTTPS, or is it another protocol?");
        }

        hop.StatusCode = code;
        hop.ReasonPhrase = parts.Length > 2 ? parts[2] : string.Empty;
    }

    private static void ApplyHeaders(HttpHop hop, HttpHeaderList headers, Uri uri)
    {
        hop.AllHeaders = headers;
        var selected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in SelectedHeaders)
        {
            var values = headers.GetAll(name).ToList();
            if (values.Count > 0)
            {
                selected[name] = string.Join(", ", values);
            }
        }

        hop.Headers = selected;
        hop.ContentType = headers.Get("Content-Type");
        if (long.TryParse(headers.Get("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            hop.ContentLength = length;
        }

        hop.RetryAfter = headers.Get("Retry-After");
        hop.AuthSchemes = headers.GetAll("WWW-Authenticate").SelectMany(AuthSchemesOf).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var location = headers.Get("Location");
        if (location is not null && Uri.TryCreate(uri, location, out var target))
        {
            hop.Location = target.AbsoluteUri;
        }
        else
        {
            hop.Location = location;
        }
    }

    /// <summary>The scheme names in a WWW-Authenticate value (which may hold several challenges separated by commas).</summary>
    internal static IEnumerable<string> AuthSchemesOf(string value)
    {
        foreach (var piece in value.Split(','))
        {
            var token = piece.Trim();
            if (token.Length == 0)
            {
                continue;
            }

            var space = token.IndexOf(' ');
            var first = space < 0 ? token : token.Substring(0, space);
            // A parameter (realm="x", or a base64 token ending in '=') is not a scheme.
            if (first.IndexOf('=') < 0 && first.IndexOf('"') < 0)
            {
                yield return first;
            }
        }
    }

    private static async Task<string> ReadBodyAsync(LineReader reader, HttpHeaderList headers, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        var encoding = headers.Get("Transfer-Encoding");
        if (encoding is not null && encoding.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            while (body.Length < MaxBody)
            {
                var sizeLine = await reader.ReadLineAsync(MaxLine, cancellationToken).ConfigureAwait(false);
                if (sizeLine is null)
                {
                    break;
                }

                var semicolon = sizeLine.IndexOf(';');
                var hex = (semicolon < 0 ? sizeLine : sizeLine.Substring(0, semicolon)).Trim();
                if (!int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0)
                {
                    throw new ProbeFailure("Body", "ProtocolError", "Malformed chunked body.");
                }

                if (size == 0)
                {
                    break;
                }

                await reader.CopyAsync(body, Math.Min(size, MaxBody - (int)body.Length), cancellationToken).ConfigureAwait(false);
                if (body.Length >= MaxBody)
                {
                    break;
                }

                await reader.ReadLineAsync(MaxLine, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (long.TryParse(headers.Get("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            await reader.CopyAsync(body, (int)Math.Min(length, MaxBody), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await reader.CopyAsync(body, MaxBody, cancellationToken).ConfigureAwait(false);
        }

        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    internal static string Printable(string text, int max)
    {
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (sb.Length >= max)
            {
                sb.Append('…');
                break;
            }

            sb.Append(c < 0x20 || c == 0x7f ? '?' : c);
        }

        return sb.ToString();
    }
}

/// <summary>Buffered line and byte reading over a stream, with a cap on line length.</summary>
internal sealed class LineReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _pos;
    private int _len;

    public LineReader(Stream stream) => _stream = stream;

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _pos = 0;
        _len = await _stream.ReadAsync(_buffer, 0, _buffer.Length, cancellationToken).ConfigureAwait(false);
        return _len > 0;
    }

    /// <summary>Reads a line without its CRLF (or LF); null at end of stream before any byte. Throws ProbeFailure past maxLength.</summary>
    public async Task<string?> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var any = false;
        while (true)
        {
            if (_pos >= _len && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return any ? line.ToString() : null;
            }

            any = true;
            while (_pos < _len)
            {
                var b = _buffer[_pos++];
                if (b == (byte)'\n')
                {
                    if (line.Length > 0 && line[line.Length - 1] == '\r')
                    {
                        line.Length--;
                    }

                    return line.ToString();
                }

                line.Append((char)b);
                if (line.Length > maxLength)
                {
                    throw new ProbeFailure("Read", "ProtocolError", $"The server sent a line longer than {maxLength} bytes.");
                }
            }
        }
    }

    /// <summary>Copies up to count bytes (fewer when the stream ends).</summary>
    public async Task CopyAsync(Stream target, int count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_pos >= _len && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var n = Math.Min(count, _len - _pos);
            target.Write(_buffer, _pos, n);
            _pos += n;
            count -= n;
        }
    }
}
