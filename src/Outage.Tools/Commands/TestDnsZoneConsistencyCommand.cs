using System;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Dns;

namespace Outage.Tools.Commands;

/// <summary>Test-DnsZoneConsistency: asks every authoritative server of a zone directly and compares what they serve.</summary>
[Cmdlet(VerbsDiagnostic.Test, "DnsZoneConsistency", HelpUri = OutageCmdlet.HelpBase + "Test-DnsZoneConsistency.md")]
[OutputType(typeof(DnsCheckResult))]
public sealed class TestDnsZoneConsistencyCommand : OutageCmdlet
{
    /// <summary>The zone to check.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ZoneName", "Domain")]
    [ValidateNotNullOrEmpty]
    public string Zone { get; set; } = "";

    /// <summary>Authoritative servers as host[:port]; default the zone's NS records.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? NameServer { get; set; }

    /// <summary>Resolvers used to find the NS records; default the system's.</summary>
    [Parameter]
    [Alias("DnsServer")]
    [ValidateNotNullOrEmpty]
    public string[]? Server { get; set; }

    /// <summary>Names whose answers must agree on every server.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Types asked for -Name; default A.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DnsRecordTypeCompleter))]
    public DnsRecordType[]? Type { get; set; }

    /// <summary>How long to wait for each answer (10ms to 5m; a number is seconds).</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Further attempts after the first.</summary>
    [Parameter]
    [ValidateRange(0, 10)]
    public int Retry { get; set; } = 1;

    protected override void ProcessRecord()
    {
        var request = new ZoneConsistencyRequest { Zone = Zone, Timeout = RequireDuration(nameof(Timeout), Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), ErrorIds.DnsTimeoutInvalid), Retry = Retry };
        foreach (var s in NameServer ?? Array.Empty<string>())
        {
            request.NameServers.Add(s);
        }

        foreach (var s in Server ?? Array.Empty<string>())
        {
            request.Servers.Add(s);
        }

        foreach (var n in Name ?? Array.Empty<string>())
        {
            request.Names.Add(n);
        }

        foreach (var t in Type ?? Array.Empty<DnsRecordType>())
        {
            request.Types.Add(t);
        }

        var progress = NewProgress();
        Emit(() => ZoneConsistencyCheck.Run(request, progress, Cancellation), progress);
    }
}
