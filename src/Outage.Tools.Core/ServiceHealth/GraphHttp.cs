using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Endpoints;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.ServiceHealth;

/// <summary>One HTTP answer: status, body text and the Retry-After delay when one was given.</summary>
internal sealed class GraphAnswer
{
    public int StatusCode { get; set; }

    public string Body { get; set; } = string.Empty;

    public string? ContentType { get; set; }

    public string? RequestId { get; set; }
}

/// <summary>
/// The HTTP side of the service health client: HttpClient without automatic redirects (so a token is never
/// sent elsewhere), a timeout per attempt, bodies capped at <see cref="MaxBody"/>, and throttling handled as
/// Graph documents it (concepts/throttling.md): on 429 or 503 (and 504) wait Retry-After seconds (or 1, 2, 4 …
/// seconds when the header is missing), at most <see cref="ServiceHealthConnection.MaxRetries"/> times and never
/// longer than <see cref="ServiceHealthConnection.MaxRetryWait"/>.
/// </summary>
internal sealed class GraphHttp : IDisposable
{
    public const int MaxBody = 16 * 1024 * 1024;

    private readonly HttpClient _client;
    private readonly ServiceHealthConnection _connection;

    public GraphHttp(ServiceHealthConnection connection)
    {
        _connection = connection;
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        var root = connection.TrustedRoot;
        if (root is not null)
        {
            handler.ServerCertificateCustomValidationCallback = (message, certificate, chain, errors) =>
                certificate is not null && TlsInspector.Inspect(certificate, chain, message.RequestUri!.IdnHost, root) is { CertificateValid: true, NameMatches: true };
        }

        _client = new HttpClient(handler, true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>Notes for -Verbose (retries, waits, pages), never with a secret or token.</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Requests sent, retries included.</summary>
    public int RequestCount { get; private set; }

    /// <summary>Sends a request built by <paramref name="build"/> (called again for each retry).</summary>
    /// <param name="what">What is asked, for messages ("the token endpoint https://…").</param>
    public async Task<GraphAnswer> SendAsync(Func<HttpRequestMessage> build, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_connection.Timeout);
            GraphAnswer answer;
            TimeSpan? retryAfter;
            using (var request = build())
            {
                RequestCount++;
                try
                {
                    using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    answer = new GraphAnswer
                    {
                        StatusCode = (int)response.StatusCode,
                        ContentType = response.Content?.Headers.ContentType?.MediaType,
                        RequestId = First(response.Headers, "request-id") ?? First(response.Headers, "x-ms-request-id"),
                    };
                    retryAfter = RetryAfter(response.Headers.RetryAfter);
                    if (response.Content is not null)
                    {
                        answer.Body = await ReadCappedAsync(response.Content, what, timeout.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new OutageException(ErrorIds.ServiceHealthTimeout, OutageErrorCategory.OperationTimeout,
                        $"No answer from {what} within {_connection.Timeout.TotalSeconds:0.#} s.", what,
                        "Try again later or give a longer -Timeout; check that a proxy or firewall lets HTTPS to this host through.");
                }
                catch (HttpRequestException ex)
                {
                    throw new OutageException(ErrorIds.ServiceHealthConnectionFailed, OutageErrorCategory.ConnectionError,
                        $"Cannot reach {what}: {Describe(ex)}", what,
                        "Check the name, the network path and (for a private CA) the trusted root.", ex);
                }
            }

            var throttled = answer.StatusCode == 429 || answer.StatusCode == 503 || answer.StatusCode == 504;
            if (!throttled)
            {
                return answer;
            }

            var wait = retryAfter ?? TimeSpan.FromSeconds(Math.Pow(2, attempt));
            if (attempt >= _connection.MaxRetries)
            {
                throw new OutageException(ErrorIds.ServiceHealthThrottled, OutageErrorCategory.ResourceBusy,
                    $"{what} answered {answer.StatusCode} {Reason(answer.StatusCode)} {attempt + 1} times; gave up after {_connection.MaxRetries} retries.", what,
                    "Service communications allow 240 requests a minute and 800 an hour per app and tenant: poll less often, then try again.");
            }

            if (wait > _connection.MaxRetryWait)
            {
                throw new OutageException(ErrorIds.ServiceHealthThrottled, OutageErrorCategory.ResourceBusy,
                    $"{what} answered {answer.StatusCode} {Reason(answer.StatusCode)} and asks to wait {wait.TotalSeconds:0} s, longer than the {_connection.MaxRetryWait.TotalSeconds:0} s allowed.", what,
                    "Try again after that time, or allow a longer wait (-MaxRetryWait).");
            }

            Notes.Add($"{what} answered {answer.StatusCode} {Reason(answer.StatusCode)}; waiting {wait.TotalSeconds:0.###} s ({(retryAfter is null ? "no Retry-After, backing off" : "Retry-After")}), retry {attempt + 1} of {_connection.MaxRetries}.");
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Reason(int status) => status switch
    {
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => string.Empty,
    };

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); negative values count as zero.</summary>
    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is TimeSpan delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is DateTimeOffset date)
        {
            var d = date - DateTimeOffset.UtcNow;
            return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        }

        return null;
    }

    private static async Task<string> ReadCappedAsync(HttpContent content, string what, CancellationToken cancellationToken)
    {
        using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var n = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            if (buffer.Length + n > MaxBody)
            {
                throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
                    $"The answer of {what} is larger than {MaxBody / (1024 * 1024)} MB.", what, "Check that the Graph endpoint is really Microsoft Graph.");
            }

            buffer.Write(chunk, 0, n);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null && parts.Count < 4; e = e.InnerException)
        {
            if (!parts.Contains(e.Message))
            {
                parts.Add(e.Message);
            }
        }

        return string.Join(" ", parts);
    }

    public void Dispose() => _client.Dispose();
}
