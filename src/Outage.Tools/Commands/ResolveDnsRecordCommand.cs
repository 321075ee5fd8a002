using System;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;

namespace Outage.Tools.Commands;

/// <summary>
/// Resolve-DnsRecord: asks DNS servers (given, or the system's) for records, with our own RFC 1035 client, so it
/// works the same in Windows PowerShell 5.1 and PowerShell 7 on every OS. Names from the pipeline are batched
/// so many queries are in flight at once (-ThrottleLimit).
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "DnsRecord", HelpUri = OutageCmdlet.HelpBase + "Resolve-DnsRecord.md")]
[OutputType(typeof(DnsRecord))]
[OutputType(typeof(DnsResponse))]
public sealed class ResolveDnsRecordCommand : OutageCmdlet
{
    private readonly PipelineBatch<string> _pending = new();

    /// <summary>The names to look up.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain", "HostName", "DnsName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Record types; default A and AAAA.</summary>
    [Parameter(Position = 1)]
    [Alias("RecordType", "QueryType")]
    [ArgumentCompleter(typeof(DnsRecordTypeCompleter))]
    public DnsRecordType[]? Type { get; set; }

    /// <summary>Servers as host[:port], tried in order; default the system's resolvers.</summary>
    [Parameter]
    [Alias("DnsServer")]
    [ValidateNotNullOrEmpty]
    public string[]? Server { get; set; }

    /// <summary>Use TCP from the start.</summary>
    [Parameter]
    public SwitchParameter Tcp { get; set; }

    /// <summary>Clear the RD flag: ask the server only what it knows (authoritative data or cache).</summary>
    [Parameter]
    public SwitchParameter NoRecursion { get; set; }

    /// <summary>Set the DO bit so DNSSEC records (RRSIG) come back.</summary>
    [Parameter]
    public SwitchParameter DnssecOk { get; set; }

    /// <summary>How long to wait for each answer (10ms to 5m; a number is seconds).</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Further attempts after the first, across every server.</summary>
    [Parameter]
    [ValidateRange(0, 10)]
    public int Retry { get; set; } = 1;

    /// <summary>Queries in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int ThrottleLimit { get; set; } = 64;

    /// <summary>Return whole responses instead of answer records.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    protected override void ProcessRecord()
    {
        _pending.Add(Name, Math.Max(256, ThrottleLimit * 4), Run);
    }

    protected override void EndProcessing() => _pending.Flush(Run);

    private void Run(string[] batch)
    {
        var request = new DnsResolveRequest
        {
            Names = batch,
            Tcp = Tcp,
            NoRecursion = NoRecursion,
            DnssecOk = DnssecOk,
            Timeout = RequireDuration(nameof(Timeout), Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), ErrorIds.DnsTimeoutInvalid),
            Retry = Retry,
            ThrottleLimit = ThrottleLimit,
        };
        foreach (var t in Type ?? Array.Empty<DnsRecordType>())
        {
            request.Types.Add(t);
        }

        foreach (var s in Server ?? Array.Empty<string>())
        {
            request.Servers.Add(s);
        }

        WriteVerbose($"{MyInvocation.MyCommand.Name}: {batch.Length} name(s) asked of {(request.Servers.Count == 0 ? "the system's resolvers" : string.Join(", ", request.Servers))}, timeout {Core.Operations.Duration.Format(request.Timeout)} per attempt");
        var progress = NewProgress();
        if (Raw)
        {
            Emit(() => DnsResolve.RunRaw(request, progress, Cancellation), progress);
        }
        else
        {
            Emit(() => DnsResolve.Run(request, progress, Cancellation), progress);
        }
    }
}
