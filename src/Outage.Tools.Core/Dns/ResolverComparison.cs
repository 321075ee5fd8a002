using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Dns;

/// <summary>What Compare-DnsResolver / <c>outage dns compare</c> asks.</summary>
public sealed class ResolverComparisonRequest
{
    public IEnumerable<string> Names { get; set; } = Array.Empty<string>();

    /// <summary>Types asked for each name; empty = A.</summary>
    public IList<DnsRecordType> Types { get; } = new List<DnsRecordType>();

    /// <summary>The resolvers to compare, as host[:port].</summary>
    public IList<string> Servers { get; } = new List<string>();

    /// <summary>Also ask the system's resolvers (each on its own).</summary>
    public bool IncludeSystem { get; set; }

    public bool NoRecursion { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    public int Retry { get; set; } = 1;

    /// <summary>Questions in flight at once.</summary>
    public int ThrottleLimit { get; set; } = 16;
}

/// <summary>One resolver's answer to a question.</summary>
public sealed class DnsResolverAnswer
{
    public DnsResolverAnswer(string server, string status, IReadOnlyList<string> records, uint? minimumTtl, TimeSpan? responseTime)
    {
        Server = server;
        Status = status;
        Records = records;
        MinimumTtl = minimumTtl;
        ResponseTime = responseTime;
    }

    public string Server { get; }

    /// <summary>The response code (NoError, NXDomain, ServFail, ...) or Timeout / ConnectionRefused / NetworkError.</summary>
    public string Status { get; }

    /// <summary>The answer records ("TYPE data"), sorted, so equal sets compare equal.</summary>
    public IReadOnlyList<string> Records { get; }

    public uint? MinimumTtl { get; }

    public TimeSpan? ResponseTime { get; }

    /// <summary>"NoError: A 192.0.2.1, A 192.0.2.2", the text compared across resolvers.</summary>
    public string Answer => Records.Count == 0 ? Status : Status + ": " + string.Join(", ", Records);

    public override string ToString() => $"{Server} {Answer}";
}

/// <summary>One question asked of every resolver: each one's answer and whether they all agree.</summary>
public sealed class DnsResolverComparison
{
    public DnsResolverComparison(string name, DnsRecordType type, IReadOnlyList<DnsResolverAnswer> answers)
    {
        Name = name;
        Type = type;
        Answers = answers;
        Consistent = answers.Select(a => a.Answer).Distinct(StringComparer.Ordinal).Count() <= 1 && answers.All(a => a.ResponseTime is not null);
    }

    public string Name { get; }

    public DnsRecordType Type { get; }

    /// <summary>True when every resolver answered, with the same response code and record set (TTLs aside).</summary>
    public bool Consistent { get; }

    public IReadOnlyList<DnsResolverAnswer> Answers { get; }

    /// <summary>Each resolver's answer on one line ("127.0.0.1:53 = NoError: A 192.0.2.1; ...").</summary>
    public string Summary => string.Join("; ", Answers.Select(a => $"{a.Server} = {a.Answer}"));

    public override string ToString() => $"{Name} {Type} Consistent={Consistent}: {Summary}";
}

/// <summary>Compare-DnsResolver: the same questions to several resolvers, one row per question.</summary>
public static class ResolverComparison
{
    public static IEnumerable<Outcome<DnsResolverComparison>> Run(ResolverComparisonRequest request, IProgress<OperationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        DnsResolve.ValidateOptions(request.Timeout, request.Retry);
        var servers = DnsResolve.ParseServersOrEmpty(request.Servers);
        if (request.IncludeSystem)
        {
            servers.AddRange(DnsServerAddress.SystemServers().Select(e => ("system " + DnsServerAddress.Format(e), e)));
        }

        if (servers.Count == 0)
        {
            throw new OutageException(ErrorIds.DnsNoServer, OutageErrorCategory.InvalidArgument, "No resolvers to compare.", null,
                "Give two or more with -Server host[:port], and/or -IncludeSystem.");
        }

        if (request.ThrottleLimit < 1 || request.ThrottleLimit > 1024)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, $"ThrottleLimit {request.ThrottleLimit} is out of range.",
                request.ThrottleLimit, "Give 1 to 1024.");
        }

        var clients = servers.Select(s => (s.Label, Client: new DnsClient(new[] { s.EndPoint }, new DnsQueryOptions
        {
            Timeout = request.Timeout, Retries = request.Retry, Recursion = !request.NoRecursion, FailoverOnServerFailure = false,
        }))).ToList();
        var types = request.Types.Count == 0 ? new[] { DnsRecordType.A } : request.Types.Distinct().ToArray();
        var questions = ArrivingSequence.SelectMany(request.Names, n => types.Select(t => (Name: n, Type: t)));
        return Counted(OrderedParallel.Run(questions, (q, ct) => CompareOne(clients, q.Name, q.Type, ct), request.ThrottleLimit, cancellationToken), progress);
    }

    /// <summary>The rows as they come, with a progress report for the first and every 64th.</summary>
    private static IEnumerable<Outcome<DnsResolverComparison>> Counted(IEnumerable<Outcome<DnsResolverComparison>> rows, IProgress<OperationProgress>? progress)
    {
        long done = 0;
        foreach (var row in rows)
        {
            done++;
            if (progress is not null && (done & 63) == 1)
            {
                progress.Report(new OperationProgress("Compare-DnsResolver", $"{done} questions compared"));
            }

            yield return row;
        }
    }

    private static async Task<Outcome<DnsResolverComparison>> CompareOne(List<(string Label, DnsClient Client)> clients, string name, DnsRecordType type,
        CancellationToken ct)
    {
        try
        {
            DnsName.ToLabels(name);
        }
        catch (ArgumentException ex)
        {
            return Outcome<DnsResolverComparison>.Failure(new ItemError(ErrorIds.DnsInvalidName, OutageErrorCategory.InvalidArgument, ex.Message, name, "Correct the name."));
        }

        var answers = await Task.WhenAll(clients.Select(async c =>
        {
            try
            {
                var r = await c.Client.QueryAsync(name, type, ct).ConfigureAwait(false);
                var records = r.Answer.Select(a => $"{DnsRrsigRecord.TypeName(a.Type)} {a.Data}").OrderBy(x => x, StringComparer.Ordinal).ToList();
                return new DnsResolverAnswer(c.Label, r.ResponseCode.ToString(), records, r.Answer.Count == 0 ? null : r.Answer.Min(a => a.Ttl), r.ResponseTime);
            }
            catch (DnsQueryException ex)
            {
                return new DnsResolverAnswer(c.Label, ex.Kind.ToString(), Array.Empty<string>(), null, null);
            }
        })).ConfigureAwait(false);
        return Outcome<DnsResolverComparison>.Success(new DnsResolverComparison(DnsName.Fqdn(name), type, answers));
    }
}
