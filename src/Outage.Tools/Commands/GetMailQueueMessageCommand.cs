using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Get-MailQueueMessage: the queued messages, filtered.</summary>
[Cmdlet(VerbsCommon.Get, "MailQueueMessage")]
[OutputType(typeof(QueueMessage))]
public sealed class GetMailQueueMessageCommand : QueueSourceCmdlet
{
    /// <summary>Queue names or states (deferred, hold, active, Frozen...), wildcards.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Queue { get; set; }

    /// <summary>Recipient domains, wildcards.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Domain { get; set; }

    /// <summary>Sender addresses, wildcards.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Sender { get; set; }

    /// <summary>Delay reasons / last errors, wildcards.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Reason { get; set; }

    /// <summary>Only messages older than this (30m, 2h, 1d or hh:mm:ss).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OlderThan { get; set; }

    /// <summary>At most this many messages.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    protected override void ProcessRecord() => CollectInput();

    protected override void EndProcessing()
    {
        var filter = new QueueMessageFilter { First = First };
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

        Emit(() => Enumerate(filter));
    }

    private System.Collections.Generic.IEnumerable<Core.Operations.Outcome<QueueMessage>> Enumerate(QueueMessageFilter filter)
    {
        if (OlderThan is not null)
        {
            filter.OlderThan = QueueMessageFilter.ParseDuration(OlderThan, "-OlderThan");
        }

        return QueueOperations.GetMessages(Messages(), filter, Cancellation);
    }
}
