using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools;

/// <summary>The format of a saved queue file given with -Path.</summary>
public enum QueueFileFormat
{
    /// <summary>Guess from the name: .json/.jsonl postqueue -j, .csv Export-Csv, .xml/.clixml Export-Clixml, a folder a spool, else exim -bp.</summary>
    Auto,
    PostqueueJson,
    EximListing,
    ExchangeCsv,
    ExchangeClixml,
    Spool,
}

/// <summary>
/// The source parameters every queue cmdlet shares: a live Postfix (default, -ConfigDirectory), a live Exim
/// (-Exim, -EximPath, -EximConfig), a saved file or spool folder (-Path, -Format), or objects from the pipeline
/// (-InputObject: queue messages, Exchange Get-Queue/Get-Message objects, deserialized ones included).
/// </summary>
public abstract class QueueSourceCmdlet : OutageCmdlet
{
    private readonly List<QueueMessage> _piped = new();
    private readonly List<MailQueueSummary> _pipedQueues = new();

    /// <summary>Postfix configuration directory (postqueue -c).</summary>
    [Parameter]
    [Alias("PostfixConfig")]
    [ValidateNotNullOrEmpty]
    public string? ConfigDirectory { get; set; }

    /// <summary>Read the live Exim queue instead of Postfix.</summary>
    [Parameter]
    public SwitchParameter Exim { get; set; }

    /// <summary>The exim binary.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EximPath { get; set; }

    /// <summary>The Exim configuration file (exim -C).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EximConfig { get; set; }

    /// <summary>A saved postqueue -j file, exim -bp listing, Export-Csv / Export-Clixml file, or a folder of .eml files.</summary>
    [Parameter]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The format of -Path.</summary>
    [Parameter]
    public QueueFileFormat Format { get; set; } = QueueFileFormat.Auto;

    /// <summary>Queue messages or Exchange Get-Queue / Get-Message objects from the pipeline.</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>True once objects came from the pipeline.</summary>
    protected bool HasPipelineInput { get; private set; }

    protected IReadOnlyList<QueueMessage> PipedMessages => _piped;

    protected IReadOnlyList<MailQueueSummary> PipedQueues => _pipedQueues;

    /// <summary>Collects the pipeline objects as typed messages or queue summaries.</summary>
    protected void CollectInput()
    {
        foreach (var o in InputObject ?? Array.Empty<PSObject>())
        {
            if (o is null)
            {
                continue;
            }

            HasPipelineInput = true;
            if (o.BaseObject is QueueMessage m)
            {
                _piped.Add(m);
                continue;
            }

            var bag = ToBag(o);
            if (ExchangeInput.IsQueueMessage(bag))
            {
                // A queue message that crossed a remoting boundary (Invoke-Command): typed again for measuring.
                _piped.Add(ExchangeInput.FromQueueMessage(bag));
            }
            else if (ExchangeInput.IsMessage(bag))
            {
                _piped.Add(ExchangeInput.ToMessage(bag, string.Empty, DateTimeOffset.UtcNow));
            }
            else if (bag.ContainsKey("Identity") || bag.ContainsKey("MessageCount"))
            {
                _pipedQueues.Add(ExchangeInput.ToSummary(bag, string.Empty));
            }
            else
            {
                WriteItemError(new ItemError(ErrorIds.QueueExchangeInputInvalid, OutageErrorCategory.InvalidType,
                    $"The pipeline object '{o}' is neither a queue message nor an Exchange Get-Queue / Get-Message object.", o,
                    "Pipe Get-MailQueueMessage, Get-Queue or Get-Message output."));
            }
        }
    }

    /// <summary>Messages: from the pipeline when there was input, else from the source parameters.</summary>
    protected IEnumerable<Outcome<QueueMessage>> Messages() =>
        HasPipelineInput ? _piped.Select(Outcome<QueueMessage>.Success) : QueueSource.ReadMessages(SourceOptions(), Cancellation);

    /// <summary>The source options from the parameters.</summary>
    protected QueueSourceOptions SourceOptions()
    {
        if (Path is not null)
        {
            var full = GetUnresolvedProviderPathFromPSPath(Path);
            var format = Format;
            if (format == QueueFileFormat.Auto)
            {
                var ext = System.IO.Path.GetExtension(full).ToLowerInvariant();
                format = Directory.Exists(full) ? QueueFileFormat.Spool
                    : ext is ".json" or ".jsonl" ? QueueFileFormat.PostqueueJson
                    : ext == ".csv" ? QueueFileFormat.ExchangeCsv
                    : ext is ".xml" or ".clixml" ? QueueFileFormat.ExchangeClixml
                    : QueueFileFormat.EximListing;
            }

            return new QueueSourceOptions
            {
                Path = full,
                Kind = format switch
                {
                    QueueFileFormat.PostqueueJson => QueueSourceKind.PostqueueJson,
                    QueueFileFormat.ExchangeCsv or QueueFileFormat.ExchangeClixml => QueueSourceKind.Exchange,
                    QueueFileFormat.Spool => QueueSourceKind.Spool,
                    _ => QueueSourceKind.EximListing,
                },
                Clixml = format == QueueFileFormat.ExchangeClixml,
            };
        }

        if (Exim.IsPresent || EximPath is not null || EximConfig is not null)
        {
            return new QueueSourceOptions { Kind = QueueSourceKind.Exim, EximPath = EximPath, EximConfig = EximConfig };
        }

        return new QueueSourceOptions { Kind = QueueSourceKind.Postfix, ConfigDirectory = ConfigDirectory };
    }

    /// <summary>A PowerShell object's properties by name; deserialized objects keep their ToString.</summary>
    internal static Dictionary<string, object?> ToBag(PSObject o)
    {
        var bag = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in o.Properties)
        {
            object? value;
            try
            {
                value = p.Value;
            }
            catch (GetValueException)
            {
                continue;
            }

            bag[p.Name] = Unwrap(value, 0);
        }

        bag[ExchangeInput.ToStringKey] = o.ToString();
        return bag;
    }

    private static object? Unwrap(object? value, int depth)
    {
        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject && depth < 3)
            {
                return ToBag(pso);
            }

            value = pso.BaseObject;
        }

        switch (value)
        {
            case null:
            case string:
            case DateTime:
            case DateTimeOffset:
            case TimeSpan:
                return value;
            case IConvertible c when c.GetTypeCode() != TypeCode.Object:
                return value is Enum ? value.ToString() : value;
            case IEnumerable list when depth < 3:
                var items = new List<object?>();
                foreach (var item in list)
                {
                    items.Add(Unwrap(item, depth + 1));
                }

                return items;
            default:
                // A live Exchange object (RecipientInfo, QueueIdentity...): its Address if it has one, else its text.
                var wrapped = PSObject.AsPSObject(value);
                var address = wrapped.Properties["Address"]?.Value;
                return address is null ? value.ToString() : new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
                {
                    ["Address"] = address.ToString(),
                    [ExchangeInput.ToStringKey] = value.ToString(),
                };
        }
    }
}

/// <summary>The shared parameter of the action cmdlets: queue messages by value or by property name (Message).</summary>
public abstract class QueueMessageActionCmdlet : OutageCmdlet
{
    /// <summary>The messages (Get-MailQueueMessage output, or Test-MimeMessage reports via their Message property).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public QueueMessage[] Message { get; set; } = Array.Empty<QueueMessage>();

    /// <summary>Write the result object of each message.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }
}
