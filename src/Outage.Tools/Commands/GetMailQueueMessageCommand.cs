using System;
using System.Linq;
using Outage.Tools.Core;
using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Get-MailQueueMessage: the queued messages, filtered.</summary>
[Cmdlet(VerbsCommon.Get, "MailQueueMessage", HelpUri = OutageCmdlet.HelpBase + "Get-MailQueueMessage.md", DefaultParameterSetName = PostfixSet)]
[OutputType(typeof(QueueMessage))]
public sealed class GetMailQueueMessageCommand : QueuePipelineCmdlet
{
    /// <summary>Queue ids (Postfix queue id, Exim message id, Exchange Identity), wildcards.</summary>
    [Parameter(Position = 0)]
    [Alias("Identity")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>Queue names or states (deferred, hold, active, Frozen...), wildcards.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(QueueNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Queue { get; set; }

    /// <summary>Recipient domains, wildcards.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Domain { get; set; }

    /// <summary>Sender addresses, wildcards.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Sender { get; set; }

    /// <summary>Delay reasons / last errors, wildcards.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Reason { get; set; }

    /// <summary>Only messages older than this (30m, 2h, 1d, hh:mm:ss; a number is seconds).</summary>
    [Parameter]
    [TimeSpanTransformation]
    public TimeSpan OlderThan { get; set; }

    /// <summary>At most this many messages.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    protected override void BeginProcessing()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(OlderThan)))
        {
            RequireDuration(nameof(OlderThan), OlderThan, TimeSpan.Zero, TimeSpan.FromDays(3650), ErrorIds.QueueOlderThanInvalid);
        }
    }

    protected override void ProcessRecord() => CollectInput();

    protected override void EndProcessing()
    {
        var filter = new QueueMessageFilter { First = First };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(OlderThan)))
        {
            filter.OlderThan = OlderThan;
        }

        foreach (var i in Id ?? System.Array.Empty<string>())
        {
            filter.Id.Add(i);
        }

        foreach (var q in Queue ?? System.Array.Empty<string>())
        {
            filter.Queue.Add(q);
        }

        foreach (var d in Domain ?? System.Array.Empty<string>())
        {
            filter.Domain.Add(d);
        }

        foreach (var s in Sender ?? System.Array.Empty<string>())
        {
            filter.Sender.Add(s);
        }

        foreach (var r in Reason ?? System.Array.Empty<string>())
        {
            filter.Reason.Add(r);
        }

        Emit(() => QueueOperations.GetMessages(Messages(), filter, Cancellation));
    }
}
