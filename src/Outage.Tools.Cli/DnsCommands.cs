using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Cli;

/// <summary><c>outage dns …</c>: the CLI side of Resolve-DnsRecord, Test-MailDomain, Test-DnsZoneConsistency and Compare-DnsResolver.</summary>
public static class DnsCommands
{
    public static Command Create(CliIO io)
    {
        var dns = new Command("dns", "DNS diagnostics with our own DNS client: resolve records, check a mail domain, compare servers.");
        dns.Subcommands.Add(Resolve(io));
        dns.Subcommands.Add(Mail(io));
        dns.Subcommands.Add(Consistency(io));
        dns.Subcommands.Add(Compare(io));
        return dns;
    }

    private static Option<string[]> ServerOption() => new("--server", "-s")
    {
        Description = "DNS server as host[:port] (repeatable; tried in order). Default: the system's resolvers.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private static Option<string> TimeoutOption() => new("--timeout")
    {
        Description = "How long to wait for one server's answer to one attempt: 500ms, 2s, 00:00:02 or seconds (default 2s).",
        DefaultValueFactory = _ => "2",
    };

    private static TimeSpan Timeout(ParseResult parse, Option<string> timeout) =>
        Duration.Parse(parse.GetValue(timeout)!, "--timeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), ErrorIds.DnsTimeoutInvalid);

    /// <summary>The --timeout, or false after writing its error (DnsTimeoutInvalid) when it is no usable duration.</summary>
    private static bool TryTimeout(CliIO io, ParseResult parse, Option<string> timeout, out TimeSpan value)
    {
        try
        {
            value = Timeout(parse, timeout);
            return true;
        }
        catch (OutageException ex)
        {
            io.WriteError(ex.Error);
            value = TimeSpan.Zero;
            return false;
        }
    }

    private static Option<int> RetryOption() => new("--retry")
    {
        Description = "Further attempts after the first, across every server.",
        DefaultValueFactory = _ => 1,
    };

    internal static DnsRecordType ParseType(string text)
    {
        if (text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase) &&
            ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return (DnsRecordType)n;
        }

        if (Enum.TryParse<DnsRecordType>(text, ignoreCase: true, out var t) && !int.TryParse(text, out _))
        {
            return t;
        }

        throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, $"'{text}' is not a DNS record type.", text,
            "Use a type such as A, AAAA, MX, TXT, SOA, NS, CNAME, SRV, PTR, CAA, DS, DNSKEY, TLSA, HTTPS, or TYPEnnn.");
    }

    private static Command Resolve(CliIO io)
    {
        var name = new Argument<string?>("name") { Description = "The name to look up (or use --input).", Arity = ArgumentArity.ZeroOrOne };
        var type = new Argument<string[]>("type") { Description = "Record types (default A and AAAA).", Arity = ArgumentArity.ZeroOrMore };
        var server = ServerOption();
        var tcp = new Option<bool>("--tcp") { Description = "Use TCP from the start." };
        var noRecursion = new Option<bool>("--no-recursion") { Description = "Clear the RD flag: ask only what the server holds." };
        var dnssec = new Option<bool>("--dnssec") { Description = "Set the DO bit so DNSSEC records come back." };
        var timeout = TimeoutOption();
        var retry = RetryOption();
        var throttle = new Option<int>("--throttle-limit") { Description = "Queries in flight at once.", DefaultValueFactory = _ => 64 };
        var raw = new Option<bool>("--raw") { Description = "Print whole responses (rcode, flags, sections, size, transport) instead of records." };
        var input = new Option<string?>("--input", "-i")
        {
            Description = "Read questions from a file ('-' = standard input), one per line: NAME or NAME TYPE (the dnsperf format). Lines starting with # are skipped.",
        };
        var format = CliIO.FormatOption();
        var command = new Command("resolve", "Ask DNS servers for records (like Resolve-DnsRecord). NXDOMAIN, SERVFAIL, REFUSED and timeouts are errors on stderr.")
        {
            name, type, server, tcp, noRecursion, dnssec, timeout, retry, throttle, raw, input, format,
        };
        command.SetAction(parse =>
        {
            var request = new DnsResolveRequest
            {
                Tcp = parse.GetValue(tcp),
                NoRecursion = parse.GetValue(noRecursion),
                DnssecOk = parse.GetValue(dnssec),
                Retry = parse.GetValue(retry),
                ThrottleLimit = parse.GetValue(throttle),
            };
            try
            {
                request.Timeout = Timeout(parse, timeout);
                foreach (var t in parse.GetValue(type) ?? Array.Empty<string>())
                {
                    request.Types.Add(ParseType(t));
                }
            }
            catch (OutageException ex)
            {
                io.WriteError(ex.Error);
                return ExitCodes.Error;
            }
            catch (OverflowException)
            {
                io.WriteError(new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, "--timeout is out of range.", null));
                return ExitCodes.Error;
            }

            foreach (var s in parse.GetValue(server) ?? Array.Empty<string>())
            {
                request.Servers.Add(s);
            }

            var single = parse.GetValue(name);
            var file = parse.GetValue(input);
            if (single is null && file is null)
            {
                io.WriteError(new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, "Give a NAME or --input FILE.", null,
                    "Example: outage dns resolve example.com MX --server 192.0.2.53"));
                return ExitCodes.Error;
            }

            if (single is not null)
            {
                request.Names = new[] { single };
            }

            if (file is not null)
            {
                if (file != "-" && !File.Exists(file))
                {
                    io.WriteError(new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The input file '{file}' does not exist.", file));
                    return ExitCodes.Error;
                }

                var defaultTypes = request.Types.Count == 0 ? new[] { DnsRecordType.A, DnsRecordType.AAAA } : request.Types.ToArray();
                request.Questions = ReadQuestions(file, defaultTypes);
                if (single is null)
                {
                    request.Names = Array.Empty<string>();
                }
            }

            return parse.GetValue(raw)
                ? io.Write(() => DnsResolve.RunRaw(request), parse.GetValue(format), ResponseTable)
                : io.Write(() => DnsResolve.Run(request), parse.GetValue(format), RecordTable);
        });
        return command;
    }

    private static Command Mail(CliIO io)
    {
        var domain = new Argument<string[]>("domain") { Description = "The mail domains to check.", Arity = ArgumentArity.OneOrMore };
        var server = ServerOption();
        var selector = new Option<string[]>("--dkim-selector") { Description = "DKIM selector whose key to check (repeatable).", Arity = ArgumentArity.OneOrMore };
        var owa = new Option<string?>("--owa-host") { Description = "The Outlook on the web host name to check." };
        var timeout = TimeoutOption();
        var retry = RetryOption();
        var throttle = new Option<int>("--throttle-limit") { Description = "Domains checked at once.", DefaultValueFactory = _ => 32 };
        var format = CliIO.FormatOption();
        var command = new Command("mail", "Check a mail domain's DNS: MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, Autodiscover (like Test-MailDomain). Exit 1 when a check fails or warns.")
        {
            domain, server, selector, owa, timeout, retry, throttle, format,
        };
        command.SetAction(parse =>
        {
            if (!TryTimeout(io, parse, timeout, out var wait))
            {
                return ExitCodes.Error;
            }

            var request = new MailDomainRequest
            {
                Domains = parse.GetValue(domain) ?? Array.Empty<string>(),
                OwaHost = parse.GetValue(owa),
                Timeout = wait,
                Retry = parse.GetValue(retry),
                ThrottleLimit = parse.GetValue(throttle),
            };
            foreach (var s in parse.GetValue(server) ?? Array.Empty<string>())
            {
                request.Servers.Add(s);
            }

            foreach (var s in parse.GetValue(selector) ?? Array.Empty<string>())
            {
                request.DkimSelectors.Add(s);
            }

            return io.Write(() => MailDomainCheck.Run(request), parse.GetValue(format), CheckTable, r => r.Status != DnsCheckStatus.Pass);
        });
        return command;
    }

    private static Command Consistency(CliIO io)
    {
        var zone = new Argument<string>("zone") { Description = "The zone to check." };
        var nameServer = new Option<string[]>("--nameserver", "-n") { Description = "Authoritative server host[:port] (repeatable). Default: the zone's NS records.", Arity = ArgumentArity.OneOrMore };
        var server = ServerOption();
        var name = new Option<string[]>("--name") { Description = "A name whose answer must agree on every server (repeatable).", Arity = ArgumentArity.OneOrMore };
        var type = new Option<string[]>("--type", "-t") { Description = "Types asked for --name (default A).", Arity = ArgumentArity.OneOrMore };
        var timeout = TimeoutOption();
        var retry = RetryOption();
        var format = CliIO.FormatOption();
        var command = new Command("consistency", "Ask every authoritative server of a zone directly and compare: reachability (UDP, TCP), AA, SOA serials, NS sets, answers, EDNS, timing, SOA timers (like Test-DnsZoneConsistency).")
        {
            zone, nameServer, server, name, type, timeout, retry, format,
        };
        command.SetAction(parse =>
        {
            if (!TryTimeout(io, parse, timeout, out var wait))
            {
                return ExitCodes.Error;
            }

            var request = new ZoneConsistencyRequest
            {
                Zone = parse.GetValue(zone) ?? "",
                Timeout = wait,
                Retry = parse.GetValue(retry),
            };
            try
            {
                foreach (var t in parse.GetValue(type) ?? Array.Empty<string>())
                {
                    request.Types.Add(ParseType(t));
                }
            }
            catch (OutageException ex)
            {
                io.WriteError(ex.Error);
                return ExitCodes.Error;
            }

            foreach (var s in parse.GetValue(nameServer) ?? Array.Empty<string>())
            {
                request.NameServers.Add(s);
            }

            foreach (var s in parse.GetValue(server) ?? Array.Empty<string>())
            {
                request.Servers.Add(s);
            }

            foreach (var s in parse.GetValue(name) ?? Array.Empty<string>())
            {
                request.Names.Add(s);
            }

            return io.Write(() => ZoneConsistencyCheck.Run(request), parse.GetValue(format), CheckTable, r => r.Status != DnsCheckStatus.Pass);
        });
        return command;
    }

    private static Command Compare(CliIO io)
    {
        var name = new Argument<string>("name") { Description = "The name to ask about." };
        var type = new Argument<string[]>("type") { Description = "Record types (default A).", Arity = ArgumentArity.ZeroOrMore };
        var server = ServerOption();
        var system = new Option<bool>("--include-system") { Description = "Also ask each of the system's resolvers." };
        var noRecursion = new Option<bool>("--no-recursion") { Description = "Clear the RD flag (compare authoritative servers)." };
        var timeout = TimeoutOption();
        var retry = RetryOption();
        var format = CliIO.FormatOption();
        var command = new Command("compare", "Ask several resolvers the same question; one row per question with each answer and Consistent (like Compare-DnsResolver). Exit 1 when they disagree.")
        {
            name, type, server, system, noRecursion, timeout, retry, format,
        };
        command.SetAction(parse =>
        {
            if (!TryTimeout(io, parse, timeout, out var wait))
            {
                return ExitCodes.Error;
            }

            var request = new ResolverComparisonRequest
            {
                Names = new[] { parse.GetValue(name) ?? "" },
                IncludeSystem = parse.GetValue(system),
                NoRecursion = parse.GetValue(noRecursion),
                Timeout = wait,
                Retry = parse.GetValue(retry),
            };
            try
            {
                foreach (var t in parse.GetValue(type) ?? Array.Empty<string>())
                {
                    request.Types.Add(ParseType(t));
                }
            }
            catch (OutageException ex)
            {
                io.WriteError(ex.Error);
                return ExitCodes.Error;
            }

            foreach (var s in parse.GetValue(server) ?? Array.Empty<string>())
            {
                request.Servers.Add(s);
            }

            return io.Write(() => ResolverComparison.Run(request), parse.GetValue(format), CompareTable, r => !r.Consistent);
        });
        return command;
    }

    private static readonly TableColumn<DnsResolverComparison>[] CompareTable =
    {
        new("Name", 32, r => r.Name),
        new("Type", 6, r => DnsRecordTypeName(r.Type)),
        new("Consistent", 10, r => r.Consistent),
        new("Answers", 0, r => r.Summary),
    };

    internal static readonly TableColumn<DnsCheckResult>[] CheckTable =
    {
        new("Target", 24, r => r.Target),
        new("Check", 22, r => r.Check),
        new("Status", 6, r => r.Status),
        new("Summary", 0, r => r.Summary),
    };

    private static IEnumerable<DnsQuestion> ReadQuestions(string file, DnsRecordType[] defaultTypes)
    {
        var lines = file == "-" ? ReadAll(Console.In) : File.ReadLines(file);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2)
            {
                yield return new DnsQuestion(parts[0], ParseType(parts[1]));
            }
            else
            {
                foreach (var t in defaultTypes)
                {
                    yield return new DnsQuestion(parts[0], t);
                }
            }
        }
    }

    private static IEnumerable<string> ReadAll(TextReader reader)
    {
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            yield return line;
        }
    }

    private static readonly TableColumn<DnsRecord>[] RecordTable =
    {
        new("Name", 32, r => r.Name),
        new("Type", 6, r => DnsRecordTypeName(r.Type)),
        new("TTL", 7, r => r.Ttl),
        new("Section", 10, r => r.Section),
        new("Server", 21, r => r.Server),
        new("Data", 0, r => r.Data),
    };

    private static readonly TableColumn<DnsResponse>[] ResponseTable =
    {
        new("Name", 32, r => r.Name),
        new("Type", 6, r => DnsRecordTypeName(r.Type)),
        new("Rcode", 8, r => r.ResponseCode),
        new("Flags", 16, r => r.Flags),
        new("Answers", 7, r => r.Answer.Count),
        new("Transport", 9, r => r.Transport),
        new("Size", 6, r => r.Size),
        new("Server", 21, r => r.Server),
        new("ms", 0, r => r.ResponseTime.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)),
    };

    internal static string DnsRecordTypeName(DnsRecordType t) =>
        Enum.IsDefined(typeof(DnsRecordType), t) ? t.ToString() : "TYPE" + ((ushort)t).ToString(CultureInfo.InvariantCulture);
}
