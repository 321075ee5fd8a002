using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>
/// The next hop of a recipient of a live Postfix, as trivial-rewrite resolves it (ADDRESS_CLASS_README,
/// transport(5), postconf(5)), from the parameters <c>postconf -c DIR -x</c> prints:
/// <list type="number">
/// <item>transport_maps (transport(5) order: the address, the domain, its parent domains, <c>*</c>); a
///   <c>transport:nexthop</c> result with a next hop decides;</item>
/// <item>a domain of mydestination, virtual_alias_domains or virtual_mailbox_domains is delivered here:
///   <c>local</c>;</item>
/// <item>otherwise relayhost when set, else the next hop of relay_transport (relay_domains) or
///   default_transport, else the recipient domain.</item>
/// </list>
/// What cannot be evaluated without guessing is <see cref="Unknown"/>: sender-dependent relayhost or transport
/// maps, a domain list or transport map that cannot be listed (<c>postmap -s</c>: regexp, pcre, ldap…).
/// </summary>
internal sealed class PostfixNextHops
{
    public const string Unknown = "Unknown";

    private readonly PostfixConfig _config;
    private readonly Dictionary<string, string>? _transport;
    private readonly string? _unknownBecause;
    private readonly Dictionary<string, string> _cache = new(StringComparer.OrdinalIgnoreCase);

    public PostfixNextHops(PostfixConfig config, Func<string, Dictionary<string, string>?> dumpMap)
    {
        _config = config;
        if (!string.IsNullOrEmpty(config.Get("sender_dependent_relayhost_maps")) || !string.IsNullOrEmpty(config.Get("sender_dependent_default_transport_maps")))
        {
            _unknownBecause = "sender-dependent relayhost or transport maps";
            return;
        }

        var maps = List(config.Get("transport_maps"));
        if (maps.Count > 0)
        {
            _transport = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var map in maps)
            {
                var entries = dumpMap(map);
                if (entries is null)
                {
                    _unknownBecause = $"transport map {map} cannot be listed";
                    return;
                }

                // The first map that has a key wins (transport(5)).
                foreach (var e in entries)
                {
                    if (!_transport.ContainsKey(e.Key))
                    {
                        _transport[e.Key] = e.Value;
                    }
                }
            }
        }
    }

    /// <summary>Why every next hop is Unknown, when it is.</summary>
    public string? UnknownBecause => _unknownBecause;

    /// <summary>postconf(5) lists: separated by commas and/or white space.</summary>
    internal static List<string> List(string? value) =>
        (value ?? string.Empty).Split(new[] { ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries).ToList();

    public static PostfixNextHops Read(string? configDirectory, CancellationToken ct)
    {
        var config = PostfixConfig.Read(configDirectory, ct);
        return new PostfixNextHops(config, map => DumpMap(configDirectory, map, ct));
    }

    /// <summary>postmap -s lists a map's entries as "key value" lines (postmap(1)); null when it cannot.</summary>
    private static Dictionary<string, string>? DumpMap(string? configDirectory, string map, CancellationToken ct)
    {
        var args = PostfixQueue.ConfigArgs(configDirectory);
        args.Add("-s");
        args.Add(map);
        try
        {
            var (rc, output, _) = ToolProcess.Run("postmap", args, QueueSource.PostfixHint, TimeSpan.FromMinutes(1), ct);
            if (rc != 0)
            {
                return null;
            }

            var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in output.Split('\n'))
            {
                var m = Regex.Match(line, @"^(\S+)\s+(.*?)\s*$");
                if (m.Success && !d.ContainsKey(m.Groups[1].Value))
                {
                    d[m.Groups[1].Value] = m.Groups[2].Value;
                }
            }

            return d;
        }
        catch (OutageException)
        {
            return null;
        }
    }

    /// <summary>The next hop of one recipient address.</summary>
    public string Of(string address)
    {
        if (_unknownBecause is not null)
        {
            return Unknown;
        }

        var domain = QueueText.DomainOf(address);
        if (_transport is not null && _transport.TryGetValue(address, out var byAddress) && NextHopOf(byAddress) is { } hop)
        {
            return hop;
        }

        if (_cache.TryGetValue(domain, out var cached))
        {
            return cached;
        }

        var result = Resolve(domain);
        _cache[domain] = result;
        return result;
    }

    private string Resolve(string domain)
    {
        if (_transport is not null)
        {
            // transport(5): the domain, then parent domains (".parent", or "parent" when transport_maps is in
            // parent_domain_matches_subdomains), then "*".
            var parentsWithoutDot = List(_config.Get("parent_domain_matches_subdomains")).Contains("transport_maps");
            var keys = new List<string> { domain };
            for (var dot = domain.IndexOf('.'); dot >= 0; dot = domain.IndexOf('.', dot + 1))
            {
                keys.Add(parentsWithoutDot ? domain.Substring(dot + 1) : domain.Substring(dot));
            }

            keys.Add("*");
            foreach (var k in keys)
            {
                if (_transport.TryGetValue(k, out var value))
                {
                    if (NextHopOf(value) is { } hop)
                    {
                        return hop;
                    }

                    break;
                }
            }
        }

        foreach (var list in new[] { "mydestination", "virtual_alias_domains", "virtual_mailbox_domains" })
        {
            var entries = List(_config.Get(list));
            if (entries.Any(e => e.Equals(domain, StringComparison.OrdinalIgnoreCase)))
            {
                return "local";
            }

            if (entries.Any(e => e.IndexOf(':') > 0 || e.StartsWith("/", StringComparison.Ordinal)))
            {
                // A table or file in the list: we cannot tell without guessing.
                return Unknown;
            }
        }

        var relayhost = _config.Get("relayhost");
        if (!string.IsNullOrEmpty(relayhost))
        {
            return List(relayhost)[0];
        }

        var relayDomains = List(_config.Get("relay_domains"));
        if (relayDomains.Any(e => e.IndexOf(':') > 0 || e.StartsWith("/", StringComparison.Ordinal)))
        {
            return Unknown;
        }

        var isRelay = relayDomains.Any(e => e.Equals(domain, StringComparison.OrdinalIgnoreCase));
        return NextHopOf(_config.Get(isRelay ? "relay_transport" : "default_transport") ?? string.Empty) ?? domain;
    }

    /// <summary>The next hop of a "transport:nexthop" value; null when it names none.</summary>
    internal static string? NextHopOf(string value)
    {
        var colon = value.IndexOf(':');
        if (colon < 0 || colon == value.Length - 1)
        {
            return null;
        }

        return value.Substring(colon + 1).Trim();
    }
}

/// <summary>
/// The next hop of an Exim recipient: <c>exim -bt ADDRESS</c> runs the routers (exim(8) -bt) and prints the
/// router, transport and hosts; the next hop is the host list ("[127.0.0.3]:2599"), or the transport for local
/// deliveries. Asked once per recipient domain (at most 64 per listing; beyond that Unknown).
/// </summary>
internal sealed class EximNextHops
{
    private const int MaxDomains = 64;

    private readonly string _tool;
    private readonly string? _config;
    private readonly Dictionary<string, string> _cache = new(StringComparer.OrdinalIgnoreCase);

    public EximNextHops(string tool, string? config) => (_tool, _config) = (tool, config);

    public string Of(string address, CancellationToken ct)
    {
        var domain = QueueText.DomainOf(address);
        if (_cache.TryGetValue(domain, out var cached))
        {
            return cached;
        }

        var result = _cache.Count >= MaxDomains ? PostfixNextHops.Unknown : Route(address, ct);
        _cache[domain] = result;
        return result;
    }

    private string Route(string address, CancellationToken ct)
    {
        try
        {
            var args = EximQueue.ConfigArgs(_config);
            args.Add("-bt");
            args.Add(address);
            var (rc, output, _) = ToolProcess.Run(_tool, args, QueueSource.EximHint, TimeSpan.FromSeconds(20), ct);
            return rc == 0 ? Parse(output) ?? PostfixNextHops.Unknown : PostfixNextHops.Unknown;
        }
        catch (OutageException)
        {
            return PostfixNextHops.Unknown;
        }
    }

    /// <summary>"  host NAME [IP] port=N" lines give the hosts; "  transport = T" alone a local delivery.</summary>
    internal static string? Parse(string output)
    {
        var hosts = Regex.Matches(output, @"^\s+host\s+(\S+)\s+\[([^\]]+)\](?:\s+port=(\d+))?", RegexOptions.Multiline).Cast<Match>()
            .Select(m => $"[{m.Groups[2].Value}]" + (m.Groups[3].Success ? ":" + m.Groups[3].Value : string.Empty)).Distinct().ToList();
        if (hosts.Count > 0)
        {
            return string.Join(",", hosts);
        }

        var transport = Regex.Match(output, @"transport\s*=\s*(\S+)");
        return transport.Success ? transport.Groups[1].Value : null;
    }
}
