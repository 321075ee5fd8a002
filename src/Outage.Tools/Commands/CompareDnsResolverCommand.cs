using System;
using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Commands;

/// <summary>Compare-DnsResolver: the same questions to several resolvers; one row per question with each answer and Consistent.</summary>
[Cmdlet(VerbsData.Compare, "DnsResolver", HelpUri = OutageCmdlet.HelpBase + "Compare-DnsResolver.md")]
[OutputType(typeof(DnsResolverComparison))]
public sealed class CompareDnsResolverCommand : OutageCmdlet
{
    private readonly PipelineStream<string, DnsResolverComparison> _stream = new();
    private ProgressSink? _progress;
    private TimeSpan _timeout;

    /// <summary>The names to ask about.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain", "HostName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Record types; default A.</summary>
    [Parameter(Position = 1)]
    [Alias("RecordType")]
    [ArgumentCompleter(typeof(DnsRecordTypeCompleter))]
    public DnsRecordType[]? Type { get; set; }

    /// <summary>The resolvers to compare, as host[:port].</summary>
    [Parameter]
    [Alias("DnsServer")]
    [ValidateNotNullOrEmpty]
    public string[]? Server { get; set; }

    /// <summary>Also ask each of the system's resolvers.</summary>
    [Parameter]
    public SwitchParameter IncludeSystem { get; set; }

    /// <summary>Clear the RD flag (to compare authoritative servers).</summary>
    [Parameter]
    public SwitchParameter NoRecursion { get; set; }

    /// <summary>How long to wait for each answer (10ms to 5m; a number is seconds).</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Further attempts after the first.</summary>
    [Parameter]
    [ValidateRange(0, 10)]
    public int Retry { get; set; } = 1;

    /// <summary>Questions in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 16;

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

    /// <summary>The one comparison of the whole pipeline, over every name still to come.</summary>
    private IEnumerable<Outcome<DnsResolverComparison>> Run(IEnumerable<string> names)
    {
        var request = new ResolverComparisonRequest
        {
            Names = names,
            IncludeSystem = IncludeSystem,
            NoRecursion = NoRecursion,
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

        return ResolverComparison.Run(request, _progress, Cancellation);
    }
}
