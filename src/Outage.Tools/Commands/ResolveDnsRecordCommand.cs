using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>
/// Resolve-DnsRecord: asks DNS servers (given, or the system's) for records, with our own RFC 1035 client, so it
/// works the same in Windows PowerShell 5.1 and PowerShell 7 on every OS. Names from the pipeline flow into one
/// lookup that runs for the whole pipeline: many queries in flight at once (-ThrottleLimit), one progress activity,
/// and the records of the first names come out while later names are still being piped.
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "DnsRecord", HelpUri = OutageCmdlet.HelpBase + "Resolve-DnsRecord.md")]
[OutputType(typeof(DnsRecord))]
[OutputType(typeof(DnsResponse))]
public sealed class ResolveDnsRecordCommand : OutageCmdlet
{
    private readonly PipelineStream<string, object> _stream = new();
    private ProgressSink? _progress;
    private TimeSpan _timeout;

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

    protected override void BeginProcessing()
    {
        _timeout = RequireDuration(nameof(Timeout), Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), ErrorIds.DnsTimeoutInvalid);
        _progress = NewProgress();
    }

    protected override void ProcessRecord()
    {
        if (!MyInvocation.ExpectingInput)
        {
            // Names given as an argument, nothing piped: one lookup on the pipeline thread, no hand-off between threads.
            Emit(() => Run(Name), _progress);
            return;
        }

        FeedStream(_stream, Name, Run, _progress);
    }

    protected override void EndProcessing() => EndStream(_stream, _progress);

    /// <summary>The one lookup of the whole pipeline, over every name still to come.</summary>
    private IEnumerable<Outcome<object>> Run(IEnumerable<string> names)
    {
        var request = new DnsResolveRequest
        {
            Names = names,
            Tcp = Tcp,
            NoRecursion = NoRecursion,
            DnssecOk = DnssecOk,
            Timeout = _timeout,
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

        var asked = $"{MyInvocation.MyCommand.Name}: names asked of {(request.Servers.Count == 0 ? "the system's resolvers" : string.Join(", ", request.Servers))}, timeout {Core.Operations.Duration.Format(request.Timeout)} per attempt";
        var outcomes = Raw ? Boxed(DnsResolve.RunRaw(request, _progress, Cancellation)) : Boxed(DnsResolve.Run(request, _progress, Cancellation));
        return new[] { Outcome<object>.Note(asked) }.Concat(outcomes);
    }
}
