using System.Collections.Generic;
using System.Management.Automation;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Commands;

/// <summary>Export-MailQueueMessage: writes queued messages' raw RFC 5322 bytes to .eml files or down the pipeline.</summary>
[Cmdlet(VerbsData.Export, "MailQueueMessage", HelpUri = OutageCmdlet.HelpBase + "Export-MailQueueMessage.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(QueueExportResult))]
public sealed class ExportMailQueueMessageCommand : QueueMessageActionCmdlet
{
    /// <summary>The folder for the .eml files; without it the bytes are passed down the pipeline (Content).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>Name files by queue id (default) or by Message-ID.</summary>
    [Parameter]
    public QueueExportName NameBy { get; set; } = QueueExportName.QueueId;

    /// <summary>Overwrite existing files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var folder = Destination is null ? null : GetUnresolvedProviderPathFromPSPath(Destination);
        foreach (var m in Message)
        {
            // Without -Destination nothing is written (the bytes go down the pipeline), so -WhatIf does not hold it back.
            if (folder is not null && !ShouldProcess(m.ContentName, $"Export to {folder}"))
            {
                continue;
            }

            // Through Emit, so a failure of the export itself (a destination that cannot be created) keeps its product id.
            var message = m;
            Emit(() => Exported(message, folder));
        }
    }

    /// <summary>Files are written always; -PassThru is implied without -Destination (the bytes are the output).</summary>
    private IEnumerable<Core.Operations.Outcome<QueueExportResult>> Exported(QueueMessage m, string? folder)
    {
        foreach (var o in QueueActions.Export(new[] { m }, folder, NameBy, Force.IsPresent, Cancellation))
        {
            if (o.Kind == Core.Operations.OutcomeKind.Result && folder is not null && !PassThru.IsPresent)
            {
                continue;
            }

            yield return o;
        }
    }
}
