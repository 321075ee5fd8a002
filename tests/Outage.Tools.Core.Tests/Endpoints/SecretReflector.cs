using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>
/// An HTTPS server on 127.0.0.1 (OS-chosen port, a certificate of the test CA) that reflects what a probe sent it —
/// the Authorization header and the password inside a Basic token — into every place a probe records: status line,
/// Location, Server, X-FEServer, WWW-Authenticate, Retry-After, ActiveSync version headers, the body. Used by
/// <see cref="SecretLeakTests"/> and, through tests/Outage.Tools.TestServer ("reflect" mode), by the Pester secret tests.
/// Paths: /owa → 302 to /owa/auth/logon.aspx on <c>redirectHost</c>; /owa/auth… → a sign-in form;
/// /Microsoft-Server-ActiveSync… → OPTIONS answer; anything else (EWS) → 401.
/// </summary>
public sealed class SecretReflector : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly string _redirectHost;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SecretReflector(X509Certificate2 certificate, string redirectHost)
    {
        _certificate = certificate;
        _redirectHost = redirectHost;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                _ = Task.Run(() => Reflect(client));
            }
        });
    }

    public int Port { get; }

    private async Task Reflect(TcpClient client)
    {
        using (client)
        {
            try
            {
                using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(_certificate);
                var head = new StringBuilder();
                var buffer = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 65536)
                {
                    if (await tls.ReadAsync(buffer, _stop.Token) == 0)
                    {
                        return;
                    }

                    head.Append((char)buffer[0]);
                }

                var lines = head.ToString().Split("\r\n");
                var path = lines[0].Split(' ')[1];
                var auth = lines.FirstOrDefault(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))?.Substring(14).Trim() ?? "none";
                var password = auth.StartsWith("Basic ", StringComparison.Ordinal)
                    ? Encoding.UTF8.GetString(Convert.FromBase64String(auth.Substring(6))).Split(':', 2)[1]
                    : "none";
                var echo = $"{auth} {password}";
                var response = path.StartsWith("/owa/auth", StringComparison.Ordinal)
                    ? $"HTTP/1.1 200 OK {echo}\r\nContent-Type: text/html\r\nServer: {echo}\r\nX-FEServer: {password}\r\nConnection: close\r\n\r\n" +
                      $"<html><title>{echo}</title><form><input type=\"password\" value=\"{password}\"></form>{auth}</html>"
                    : path.StartsWith("/owa", StringComparison.Ordinal)
                        ? $"HTTP/1.1 302 Found {echo}\r\nLocation: https://{_redirectHost}:{Port}/owa/auth/logon.aspx?a={Uri.EscapeDataString(auth)}&p={password}\r\n" +
                          $"X-FEServer: {password}\r\nRetry-After: {password}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        : path.StartsWith("/Microsoft-Server-ActiveSync", StringComparison.Ordinal)
                            ? $"HTTP/1.1 200 OK\r\nMS-ASProtocolVersions: 14.1,{password}\r\nMS-ASProtocolCommands: Sync,{auth}\r\nServer: {echo}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            : $"HTTP/1.1 401 {echo}\r\nWWW-Authenticate: Basic realm=\"{password}\"\r\nWWW-Authenticate: {auth}\r\nX-DiagInfo: {echo}\r\nContent-Length: {echo.Length}\r\nConnection: close\r\n\r\n{echo}";
                await tls.WriteAsync(Encoding.UTF8.GetBytes(response), _stop.Token);
            }
            catch (Exception)
            {
                // The probe hung up: expected.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
