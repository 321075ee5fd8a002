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
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Endpoints;

/// <summary>
/// Test-SmtpEndpoint: banner, EHLO, STARTTLS (or implicit TLS), EHLO again, optionally MAIL FROM and RCPT TO
/// (then RSET and QUIT; never DATA). Every read is capped (line length, lines per reply, reply bytes) so a
/// hostile or broken server (endless banner, silence, a close mid-dialogue) ends in a precise Fail.
/// </summary>
public static class SmtpProbe
{
    public const int MaxLine = 4096;
    public const int MaxReplyLines = 100;
    public const int MaxReplyBytes = 64 * 1024;

    public static IEnumerable<Outcome<SmtpEndpointResult>> Test(SmtpEndpointRequest request,
        IProgress<OperationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.To.Count > 0 && request.From is null)
        {
            throw new OutageException(new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                "Recipients were given without a sender.", null, "Give -From (an address, or an empty string for the null sender <>) with -To."));
        }

        var total = request.Targets.Count;
        var done = 0;
        return OrderedParallel.Run(request.Targets, async (target, ct) =>
        {
            var outcome = await ProbeOneAsync(target, request, ct).ConfigureAwait(false);
            progress?.Report(OperationProgress.Of("Probing SMTP endpoints", Interlocked.Increment(ref done), total, target));
            return outcome;
        }, Math.Max(1, request.ThrottleLimit), cancellationToken);
    }

    /// <summary>host, host:port, [v6], [v6]:port or v6 literal; null when unusable.</summary>
    public static (string Host, int Port)? ParseTarget(string target, int defaultPort)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return null;
        }

        target = target.Trim();
        string host;
        var port = defaultPort;
        if (target.StartsWith("[", StringComparison.Ordinal))
        {
            var close = target.IndexOf(']');
            if (close < 0)
            {
                return null;
            }

            host = target.Substring(1, close - 1);
            var rest = target.Substring(close + 1);
            if (rest.Length > 0 && (!rest.StartsWith(":", StringComparison.Ordinal) || !int.TryParse(rest.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out port)))
            {
                return null;
            }
        }
        else if (target.Count(c => c == ':') > 1)
        {
            host = target; // bare IPv6 literal
        }
        else
        {
            var colon = target.IndexOf(':');
            host = colon < 0 ? target : target.Substring(0, colon);
            if (colon >= 0 && !int.TryParse(target.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return null;
            }
        }

        if (host.Length == 0 || port < 1 || port > 65535 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            return null;
        }

        return (host, port);
    }

    internal static async Task<Outcome<SmtpEndpointResult>> ProbeOneAsync(string target, SmtpEndpointRequest request, CancellationToken cancellationToken)
    {
        var parsed = ParseTarget(target, request.Port ?? (request.Tls == SmtpTlsMode.Implicit ? 465 : 25));
        if (parsed is null)
        {
            return Outcome<SmtpEndpointResult>.Failure(new ItemError(ErrorIds.EndpointTargetInvalid, OutageErrorCategory.InvalidArgument,
                $"'{target}' is not a host name or address with an optional port.", target, "Give host, host:port or [IPv6]:port, e.g. mx.contoso.com:25."));
        }

        var result = new SmtpEndpointResult
        {
            Target = target, Host = parsed.Value.Host, Port = parsed.Value.Port, TlsMode = request.Tls,
            CertificateCheckSkipped = request.SkipCertificateCheck,
        };
        var session = new Session(result, request);
        var total = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(request.Timeout);
        try
        {
            await session.RunAsync(budget.Token).ConfigureAwait(false);
        }
        catch (ProbeFailure failure)
        {
            result.Status = ProbeStatus.Fail;
            result.Outcome = failure.Outcome;
            result.FailedPhase = failure.Phase;
            result.Summary = failure.Message;
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is IOException || ex is SocketException || ex is ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Status = ProbeStatus.Fail;
            result.FailedPhase = session.Phase;
            if (budget.IsCancellationRequested)
            {
                result.Outcome = "Timeout";
                result.Summary = $"Timed out after {request.Timeout.TotalSeconds:0.#} s in phase {session.Phase}" + session.Phase switch
                {
                    "Banner" => " (the server accepted the connection but sent no complete 220 greeting).",
                    "Connect" => " (no answer to SYN: a firewall dropping packets, or a wrong address).",
                    _ => ".",
                };
            }
            else
            {
                result.Outcome = "ConnectionClosed";
                result.Summary = $"The connection broke in phase {session.Phase}: {ex.Message}";
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            result.Status = ProbeStatus.Error;
            result.Outcome = "ProbeError";
            result.Summary = "The probe itself failed: " + ex.Message;
        }
        finally
        {
            result.Timings.TotalMs = ProbeConnection.Ms(total);
            session.Dispose();
        }

        if (result.Status == ProbeStatus.Pass && result.Tls is { CertificateValid: false } && request.SkipCertificateCheck)
        {
            result.Status = ProbeStatus.Warn;
            result.Summary += $" Certificate NOT valid (check skipped): {result.Tls.Reason}";
        }

        result.Transcript = session.Transcript;
        result.Detail = string.Join("\n", session.Transcript) + "\n" + result.Timings;
        return Outcome<SmtpEndpointResult>.Success(result);
    }

    internal sealed class Session : IDisposable
    {
        private readonly SmtpEndpointResult _r;
        private readonly SmtpEndpointRequest _q;
        private ProbeConnection? _connection;
        private LineReader? _reader;

        public Session(SmtpEndpointResult result, SmtpEndpointRequest request)
        {
            _r = result;
            _q = request;
        }

        public string Phase { get; private set; } = "DnsLookup";

        public List<string> Transcript { get; } = new();

        public async Task RunAsync(CancellationToken ct)
        {
            var phases = new PhaseTimings();
            try
            {
                _connection = await ProbeConnection.OpenAsync(_r.Host, _r.Port, _q, phases, ct).ConfigureAwait(false);
            }
            finally
            {
                _r.Timings.DnsLookupMs = phases.DnsLookupMs;
                _r.Timings.ConnectMs = phases.ConnectMs;
                Phase = phases.DnsLookupMs is null ? "DnsLookup" : "Connect";
            }

            _r.RemoteAddress = _connection.RemoteEndPoint?.ToString();
            if (_q.Tls == SmtpTlsMode.Implicit)
            {
                await HandshakeAsync(ct).ConfigureAwait(false);
                if (_r.Status == ProbeStatus.Fail)
                {
                    return;
                }
            }

            _reader = new LineReader(_connection.Stream);
            Phase = "Banner";
            var watch = Stopwatch.StartNew();
            var banner = await ReadReplyAsync("Banner", ct).ConfigureAwait(false);
            _r.Timings.BannerMs = ProbeConnection.Ms(watch);
            _r.BannerCode = banner.Code;
            _r.Banner = banner.Text;
            if (banner.Code != 220)
            {
                await QuitAsync(ct).ConfigureAwait(false);
                throw new ProbeFailure("Banner", banner.Code >= 500 ? "BannerRejected" : banner.Code >= 400 ? "TemporaryFailure" : "ProtocolError",
                    $"The server greets with {banner.Code} instead of 220: {banner.Text}");
            }

            Phase = "Ehlo";
            watch.Restart();
            var ehlo = await EhloAsync(ct).ConfigureAwait(false);
            _r.Timings.EhloMs = ProbeConnection.Ms(watch);
            _r.Extensions = ehlo;
            ApplyExtensions(ehlo);
            if (_q.Tls == SmtpTlsMode.StartTls)
            {
                if (!_r.StartTlsOffered)
                {
                    await QuitAsync(ct).ConfigureAwait(false);
                    throw new ProbeFailure("StartTls", "StartTlsNotOffered",
                        "The server does not offer STARTTLS in its EHLO answer: mail to it travels unencrypted (or a middlebox strips STARTTLS).");
                }

                Phase = "TlsHandshake";
                await SendAsync("STARTTLS", ct).ConfigureAwait(false);
                var ready = await ReadReplyAsync("StartTls", ct).ConfigureAwait(false);
                if (ready.Code != 220)
                {
                    await QuitAsync(ct).ConfigureAwait(false);
                    throw new ProbeFailure("StartTls", "StartTlsRefused", $"STARTTLS was answered {ready.Code}: {ready.Text}");
                }

                await HandshakeAsync(ct).ConfigureAwait(false);
                if (_r.Status == ProbeStatus.Fail)
                {
                    return;
                }

                _reader = new LineReader(_connection.Stream);
                Phase = "Ehlo";
                var after = await EhloAsync(ct).ConfigureAwait(false);
                _r.ExtensionsAfterTls = after;
                ApplyExtensions(after);
            }

            _r.Status = ProbeStatus.Pass;
            _r.Outcome = "Ready";
            var tlsText = _r.TlsEstablished ? $" TLS {_r.Tls?.Protocol}" : _q.Tls == SmtpTlsMode.None ? " (TLS not tried)" : string.Empty;
            _r.Summary = $"220 {Short(_r.Banner)};{tlsText}; {(_r.AuthMechanisms.Count > 0 ? "AUTH " + string.Join(" ", _r.AuthMechanisms) : "no AUTH")}" +
                         (_r.SizeLimit is { } size ? $"; SIZE {size}" : string.Empty) + ".";
            if (_q.From is not null)
            {
                await EnvelopeAsync(ct).ConfigureAwait(false);
            }

            await QuitAsync(ct).ConfigureAwait(false);
        }

        private async Task HandshakeAsync(CancellationToken ct)
        {
            Phase = "TlsHandshake";
            var phases = new PhaseTimings();
            var watch = Stopwatch.StartNew();
            try
            {
                _r.Tls = await _connection!.StartTlsAsync(_r.Host, _q, phases, ct).ConfigureAwait(false);
            }
            catch (ProbeFailure failure)
            {
                Transcript.Add("-- TLS handshake failed: " + failure.Message);
                throw;
            }

            _r.Timings.TlsHandshakeMs = ProbeConnection.Ms(watch);
            _r.TlsEstablished = true;
            Transcript.Add($"-- TLS {_r.Tls.Protocol} {_r.Tls.Cipher} {_r.Tls.CipherStrength}; certificate {_r.Tls.Subject}" +
                           (_r.Tls.CertificateValid ? " (valid)" : " (NOT valid: " + _r.Tls.Reason + ")"));
            if (!_r.Tls.CertificateValid && !_q.SkipCertificateCheck)
            {
                _r.Status = ProbeStatus.Fail;
                _r.Outcome = "CertificateInvalid";
                _r.FailedPhase = "TlsHandshake";
                _r.Summary = "Certificate not valid: " + _r.Tls.Reason;
            }
        }

        private async Task EnvelopeAsync(CancellationToken ct)
        {
            Phase = "Envelope";
            var watch = Stopwatch.StartNew();
            await SendAsync($"MAIL FROM:<{Clean(_q.From!)}>", ct).ConfigureAwait(false);
            var mail = await ReadReplyAsync("Envelope", ct).ConfigureAwait(false);
            _r.MailFromReply = mail.ToString();
            var replies = new List<string>();
            if (mail.Code / 100 != 2)
            {
                _r.Status = mail.Code / 100 == 4 ? ProbeStatus.Warn : ProbeStatus.Fail;
                _r.Outcome = mail.Code / 100 == 4 ? "TemporaryFailure" : "SenderRejected";
                _r.Summary = $"MAIL FROM refused: {mail}";
            }
            else
            {
                foreach (var rcpt in _q.To)
                {
                    await SendAsync($"RCPT TO:<{Clean(rcpt)}>", ct).ConfigureAwait(false);
                    var reply = await ReadReplyAsync("Envelope", ct).ConfigureAwait(false);
                    replies.Add(rcpt + ": " + reply);
                    if (reply.Code / 100 == 5)
                    {
                        _r.Status = ProbeStatus.Fail;
                        _r.Outcome = "RecipientRejected";
                        _r.Summary = $"RCPT TO <{rcpt}> refused: {reply}";
                    }
                    else if (reply.Code / 100 == 4 && _r.Status == ProbeStatus.Pass)
                    {
                        _r.Status = ProbeStatus.Warn;
                        _r.Outcome = "TemporaryFailure";
                        _r.Summary = $"RCPT TO <{rcpt}> deferred: {reply}";
                    }
                }

                if (_r.Status == ProbeStatus.Pass)
                {
                    _r.Outcome = "EnvelopeAccepted";
                    _r.Summary += _q.To.Count > 0 ? $" Envelope accepted for {_q.To.Count} recipient(s)." : " MAIL FROM accepted.";
                }
            }

            _r.RcptToReplies = replies;
            _r.Timings.EnvelopeMs = ProbeConnection.Ms(watch);
            await SendAsync("RSET", ct).ConfigureAwait(false);
            await ReadReplyAsync("Envelope", ct).ConfigureAwait(false);
        }

        private static string Clean(string address) => new string(address.Where(c => c >= 0x20 && c != '<' && c != '>' && c != 0x7f).ToArray());

        private async Task<IReadOnlyList<string>> EhloAsync(CancellationToken ct)
        {
            var name = string.IsNullOrWhiteSpace(_q.HeloName) ? LocalName() : _q.HeloName!;
            await SendAsync("EHLO " + name, ct).ConfigureAwait(false);
            var reply = await ReadReplyAsync("Ehlo", ct).ConfigureAwait(false);
            if (reply.Code != 250)
            {
                await QuitAsync(ct).ConfigureAwait(false);
                throw new ProbeFailure("Ehlo", reply.Code >= 500 ? "EhloRejected" : "TemporaryFailure", $"EHLO was answered {reply}");
            }

            return reply.Lines.Skip(1).ToArray();
        }

        private static string LocalName()
        {
            try
            {
                var name = System.Net.Dns.GetHostName();
                return name.IndexOf('.') > 0 ? name : "[127.0.0.1]";
            }
            catch (SocketException)
            {
                return "[127.0.0.1]";
            }
        }

        private void ApplyExtensions(IReadOnlyList<string> lines)
        {
            _r.AuthMechanisms = Array.Empty<string>();
            foreach (var line in lines)
            {
                var parts = line.Split(new[] { ' ', '=' }, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                {
                    continue;
                }

                switch (parts[0].ToUpperInvariant())
                {
                    case "SIZE":
                        _r.SizeLimit = parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 0;
                        break;
                    case "PIPELINING":
                        _r.Pipelining = true;
                        break;
                    case "8BITMIME":
                        _r.EightBitMime = true;
                        break;
                    case "SMTPUTF8":
                        _r.SmtpUtf8 = true;
                        break;
                    case "STARTTLS":
                        _r.StartTlsOffered |= !_r.TlsEstablished || _q.Tls == SmtpTlsMode.Implicit;
                        break;
                    case "CHUNKING":
                        _r.Chunking = true;
                        break;
                    case "AUTH":
                        _r.AuthMechanisms = parts.Skip(1).Select(p => p.ToUpperInvariant()).Distinct().ToArray();
                        break;
                }
            }
        }

        private async Task SendAsync(string line, CancellationToken ct)
        {
            Transcript.Add("C: " + line);
            var bytes = Encoding.ASCII.GetBytes(line + "\r\n");
            await _connection!.Stream.WriteAsync(bytes, 0, bytes.Length, ct).ConfigureAwait(false);
            await _connection.Stream.FlushAsync(ct).ConfigureAwait(false);
        }

        private async Task QuitAsync(CancellationToken ct)
        {
            try
            {
                await SendAsync("QUIT", ct).ConfigureAwait(false);
                await ReadReplyAsync("Quit", ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is ProbeFailure || ex is ObjectDisposedException || ex is SocketException)
            {
                // Closing politely is best effort.
            }
        }

        private Task<SmtpReply> ReadReplyAsync(string phase, CancellationToken ct) => ReadReplyAsync(_reader!, phase, Transcript, ct);

        /// <summary>
        /// Reads one SMTP reply (RFC 5321 §4.2: lines "code-text" ending with "code SP text" or "code"), within
        /// MaxLine, MaxReplyLines and MaxReplyBytes; at most 30 lines of it go to the transcript. Throws
        /// <see cref="ProbeFailure"/> for a reply that is not SMTP, does not end or is cut.
        /// </summary>
        internal static async Task<SmtpReply> ReadReplyAsync(LineReader reader, string phase, List<string> transcript, CancellationToken ct)
        {
            var lines = new List<string>();
            var bytes = 0;
            var code = 0;
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(MaxLine, ct).ConfigureAwait(false);
                }
                catch (ProbeFailure failure)
                {
                    throw new ProbeFailure(phase, "ProtocolError", failure.Message + $" (during {phase}).");
                }

                if (line is null)
                {
                    throw new ProbeFailure(phase, "ConnectionClosed", lines.Count == 0
                        ? $"The server closed the connection during {phase} without answering."
                        : $"The server closed the connection in the middle of its {phase} reply.");
                }

                bytes += line.Length + 2;
                if (transcript.Count < 400 && lines.Count < 30)
                {
                    transcript.Add("S: " + HttpProbeClient.Printable(line, 300));
                }

                if (line.Length < 3 || !int.TryParse(line.Substring(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var lineCode) ||
                    (line.Length > 3 && line[3] != '-' && line[3] != ' '))
                {
                    throw new ProbeFailure(phase, "ProtocolError",
                        $"The server does not speak SMTP (during {phase} it sent '{HttpProbeClient.Printable(line, 80)}').");
                }

                if (code != 0 && lineCode != code)
                {
                    throw new ProbeFailure(phase, "ProtocolError", $"Inconsistent reply codes {code} and {lineCode} in one reply during {phase}.");
                }

                code = lineCode;
                lines.Add(line.Length > 4 ? line.Substring(4) : string.Empty);
                if (line.Length == 3 || line[3] == ' ')
                {
                    return new SmtpReply(code, lines);
                }

                if (lines.Count >= MaxReplyLines || bytes > MaxReplyBytes)
                {
                    throw new ProbeFailure(phase, "ProtocolError",
                        $"The server's {phase} reply does not end: more than {Math.Min(lines.Count, MaxReplyLines)} lines / {bytes / 1024} KB (a hostile or broken server).");
                }
            }
        }

        private static string Short(string? text) => text is null ? string.Empty : HttpProbeClient.Printable(text, 120);

        public void Dispose() => _connection?.Dispose();
    }

    internal sealed class SmtpReply
    {
        public SmtpReply(int code, List<string> lines)
        {
            Code = code;
            Lines = lines;
        }

        public int Code { get; }

        public List<string> Lines { get; }

        public string Text => string.Join(" / ", Lines.Take(5));

        public override string ToString() => $"{Code} {Text}";
    }
}
