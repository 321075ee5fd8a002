using System;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;

namespace Outage.Tools.Commands;

/// <summary>Compare-DnsResolver: the same questions to several resolvers; one row per question with each answer and Consistent.</summary>
[Cmdlet(VerbsData.Compare, "DnsResolver", HelpUri = OutageCmdlet.HelpBase + "Compare-DnsResolver.md")]
[OutputType(typeof(DnsResolverComparison))]
public sealed class CompareDnsResolverCommand : OutageCmdlet
{
    private readonly PipelineBatch<string> _pending = new();

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

    protected override void ProcessRecord()
    {
        _pending.Add(Name, Math.Max(64, ThrottleLimit * 4), Run);
    }

    protected override void EndProcessing() => _pending.Flush(Run);

    private void Run(string[] batch)
    {
        var request = new ResolverComparisonRequest
        {
            Names = batch,
            IncludeSystem = IncludeSystem,
            NoRecursion = NoRecursion,
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

        var progress = NewProgress();
        Emit(() => ResolverComparison.Run(request, progress, Cancellation), progress);
    }
}
