using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Outage.Tools.Core.Dns;

/// <summary>Server addresses: "host[:port]", "[v6]:port", bare IPv6; and the system's resolvers.</summary>
public static class DnsServerAddress
{
    public const int DefaultPort = 53;

    /// <summary>
    /// Parses "192.0.2.1", "192.0.2.1:5300", "::1", "[::1]:5300" or "ns1.example.net[:port]" (a host name is resolved
    /// with the system resolver). Throws <see cref="FormatException"/> when it cannot be used.
    /// </summary>
    public static IPEndPoint Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException("A server address is empty.");
        }

        text = text.Trim();
        var port = DefaultPort;
        string host;
        if (text.StartsWith("[", StringComparison.Ordinal))
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                throw new FormatException($"'{text}' has '[' without ']'.");
            }

            host = text.Substring(1, close - 1);
            var rest = text.Substring(close + 1);
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(":", StringComparison.Ordinal))
                {
                    throw new FormatException($"'{text}': expected ':port' after ']'.");
                }

                port = ParsePort(rest.Substring(1), text);
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var i = text.IndexOf(':');
            host = text.Substring(0, i);
            port = ParsePort(text.Substring(i + 1), text);
        }
        else
        {
            host = text;
        }

        var zone = host.IndexOf('%');
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }

        if (zone >= 0 || host.Length == 0)
        {
            throw new FormatException($"'{text}' is not an IP address or host name.");
        }

        IPAddress[] addresses;
        try
        {
            addresses = System.Net.Dns.GetHostAddresses(host);
        }
        catch (SocketException ex)
        {
            throw new FormatException($"The server name '{host}' does not resolve: {ex.Message}", ex);
        }

        var first = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
                    ?? throw new FormatException($"The server name '{host}' has no address.");
        return new IPEndPoint(first, port);
    }

    private static int ParsePort(string s, string text)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > 65535)
        {
            throw new FormatException($"'{text}': the port must be a number from 1 to 65535.");
        }

        return p;
    }

    /// <summary>"127.0.0.1:5300" or "[::1]:53".</summary>
    public static string Format(IPEndPoint ep) =>
        ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{ep.Port}" : $"{ep.Address}:{ep.Port}";

    /// <summary>
    /// The system's resolvers: the "nameserver" lines of /etc/resolv.conf on Linux and macOS, the DNS addresses of
    /// the operational network interfaces on Windows (System.Net.NetworkInformation, no Windows-only API).
    /// </summary>
    public static IReadOnlyList<IPEndPoint> SystemServers(string resolvConfPath = "/etc/resolv.conf")
    {
        var list = new List<IPEndPoint>();
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && File.Exists(resolvConfPath))
        {
            list.AddRange(ParseResolvConf(File.ReadAllLines(resolvConfPath)));
        }

        if (list.Count == 0)
        {
            try
            {
                foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
                {
                    if (nic.OperationalStatus != OperationalStatus.Up)
                    {
                        continue;
                    }

                    foreach (var a in nic.GetIPProperties().DnsAddresses)
                    {
                        if (a.AddressFamily == AddressFamily.InterNetworkV6 && a.IsIPv6SiteLocal && a.ToString().StartsWith("fec0:0:0:ffff", StringComparison.OrdinalIgnoreCase))
                        {
                            continue; // deprecated Windows placeholders
                        }

                        var ep = new IPEndPoint(a, DefaultPort);
                        if (!list.Any(e => e.Equals(ep)))
                        {
                            list.Add(ep);
                        }
                    }
                }
            }
            catch (NetworkInformationException)
            {
            }
            catch (PlatformNotSupportedException)
            {
            }
        }

        return list;
    }

    /// <summary>The "nameserver ADDRESS" lines of a resolv.conf (resolv.conf(5)), in order; comments and other options ignored.</summary>
    public static IReadOnlyList<IPEndPoint> ParseResolvConf(IEnumerable<string> lines)
    {
        var list = new List<IPEndPoint>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';')
            {
                continue;
            }

            var parts = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == "nameserver")
            {
                var addr = parts[1];
                var pct = addr.IndexOf('%');
                if (pct >= 0)
                {
                    addr = addr.Substring(0, pct);
                }

                if (IPAddress.TryParse(addr, out var ip))
                {
                    list.Add(new IPEndPoint(ip, DefaultPort));
                }
            }
        }

        return list;
    }
}
