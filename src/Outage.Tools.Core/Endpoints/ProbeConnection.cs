using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace Outage.Tools.Core.Endpoints;

/// <summary>A probe step failed: which phase, and why, in words for the admin.</summary>
internal sealed class ProbeFailure : Exception
{
    public ProbeFailure(string phase, string outcome, string message, Exception? inner = null)
        : base(message, inner)
    {
        Phase = phase;
        Outcome = outcome;
    }

    public string Phase { get; }

    public string Outcome { get; }
}

/// <summary>
/// One TCP connection (and optionally TLS on it) with measured phases. Cancellation closes the socket, so
/// every pending read, write, connect or handshake ends at once.
/// </summary>
internal sealed class ProbeConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenRegistration _registration;

    private ProbeConnection(Socket socket, CancellationToken cancellationToken)
    {
        _socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
        _registration = cancellationToken.Register(() => Close());
    }

    public Stream Stream { get; private set; }

    public EndPoint? RemoteEndPoint { get; private set; }

    public static async Task<ProbeConnection> OpenAsync(string host, int port, EndpointProbeOptions options, PhaseTimings timings,
        CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = new[] { literal };
            timings.DnsLookupMs = 0;
        }
        else
        {
            try
            {
                addresses = await options.Resolver.ResolveAsync(host, options.SocketFamily, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex) when (ex is SocketException || ex is IOException || ex is ArgumentException)
            {
                throw new ProbeFailure("DnsLookup", "NameNotResolved", $"The name '{host}' does not resolve: {ex.Message}", ex);
            }

            timings.DnsLookupMs = Ms(watch);
        }

        if (options.SocketFamily is { } family)
        {
            addresses = Array.FindAll(addresses, a => a.AddressFamily == family);
        }

        if (addresses.Length == 0)
        {
            throw new ProbeFailure("DnsLookup", "NameNotResolved",
                $"The name '{host}' has no {(options.AddressFamily == ProbeAddressFamily.Any ? string.Empty : options.AddressFamily + " ")}address.");
        }

        watch.Restart();
        Exception? last = null;
        foreach (var address in addresses)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using (cancellationToken.Register(() => socket.Dispose()))
                {
                    await socket.ConnectAsync(address, port).ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
                timings.ConnectMs = Ms(watch);
                return new ProbeConnection(socket, cancellationToken) { RemoteEndPoint = new IPEndPoint(address, port) };
            }
            catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
            {
                socket.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
                last = ex;
            }
        }

        var reason = last is SocketException se ? se.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused (nothing listens on that port, or a firewall rejects)",
            SocketError.TimedOut => "connection timed out (packets dropped: firewall, routing)",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host or network unreachable",
            _ => se.Message,
        } : last?.Message ?? "unknown";
        throw new ProbeFailure("Connect", "ConnectFailed", $"TCP connect to {host}:{port} ({string.Join(", ", (object[])addresses)}) failed: {reason}.", last);
    }

    /// <summary>Starts TLS on the connection; returns what the handshake and certificate showed. Never refuses in the callback: the caller decides.</summary>
    public async Task<TlsDetails> StartTlsAsync(string host, EndpointProbeOptions options, PhaseTimings timings, CancellationToken cancellationToken)
    {
        TlsDetails? details = null;
        var ssl = new SslStream(Stream, leaveInnerStreamOpen: false, (_, certificate, chain, _) =>
        {
            details = TlsInspector.Inspect(certificate, chain, host, options.TrustedRoot);
            return true;
        });
        var watch = Stopwatch.StartNew();
        try
        {
            var sniHost = IPAddress.TryParse(host.Trim('[', ']'), out _) ? host.Trim('[', ']') : host;
            await ssl.AuthenticateAsClientAsync(sniHost, null, SslProtocols.None, checkCertificateRevocation: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException || ex is IOException || ex is ObjectDisposedException || ex is SocketException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new ProbeFailure("TlsHandshake", "TlsFailed", $"The TLS handshake with {host} failed: {Inner(ex)}", ex);
        }

        cancellationToken.ThrowIfCancellationRequested();
        timings.TlsHandshakeMs = Ms(watch);
        Stream = ssl;
        details ??= new TlsDetails { Reason = "The certificate could not be inspected." };
        TlsInspector.AddSessionFacts(details, ssl);
        details.CertificateCheckSkipped = options.SkipCertificateCheck;
        return details;
    }

    private static string Inner(Exception ex)
    {
        var text = ex.Message;
        for (var e = ex.InnerException; e is not null; e = e.InnerException)
        {
            text += " " + e.Message;
        }

        return text;
    }

    public static double Ms(Stopwatch watch) => Math.Round(watch.Elapsed.TotalMilliseconds, 3);

    private void Close()
    {
        try
        {
            _socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _registration.Dispose();
        try
        {
            Stream.Dispose();
        }
        catch (IOException)
        {
        }

        Close();
    }
}
