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
/// The source parameters every queue cmdlet shares, one parameter set each: a live Postfix (default set
/// "Postfix", -ConfigDirectory), a live Exim ("Exim": -Exim, -EximPath, -EximConfig) or a saved file or spool
/// folder ("Path": -Path, -Format). Mixing sources (-Exim with -Path) is a parameter-binding error, never a
/// silent choice. The cmdlets that read piped objects add the "InputObject" set (<see cref="QueuePipelineCmdlet"/>).
/// </summary>
public abstract class QueueSourceCmdlet : OutageCmdlet
{
    public const string PostfixSet = "Postfix";
    public const string EximSet = "Exim";
    public const string PathSet = "Path";
    public const string InputObjectSet = "InputObject";

    private readonly List<QueueMessage> _piped = new();
    private readonly List<MailQueueSummary> _pipedQueues = new();
    private readonly List<string> _pipedPaths = new();

    /// <summary>Postfix configuration directory (postqueue -c).</summary>
    [Parameter(ParameterSetName = PostfixSet)]
    [Alias("PostfixConfig")]
    [ValidateNotNullOrEmpty]
    public string? ConfigDirectory { get; set; }

    /// <summary>Read the live Exim queue instead of Postfix.</summary>
    [Parameter(ParameterSetName = EximSet)]
    public SwitchParameter Exim { get; set; }

    /// <summary>The exim binary.</summary>
    [Parameter(ParameterSetName = EximSet)]
    [ValidateNotNullOrEmpty]
    public string? EximPath { get; set; }

    /// <summary>The Exim configuration file (exim -C).</summary>
    [Parameter(ParameterSetName = EximSet)]
    [ValidateNotNullOrEmpty]
    public string? EximConfig { get; set; }

    /// <summary>A saved postqueue -j file, exim -bp listing, Export-Csv / Export-Clixml file, or a folder of .eml files.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The format of -Path.</summary>
    [Parameter(ParameterSetName = PathSet)]
    public QueueFileFormat Format { get; set; } = QueueFileFormat.Auto;

    /// <summary>True once objects came from the pipeline.</summary>
    protected bool HasPipelineInput { get; private set; }

    protected IReadOnlyList<QueueMessage> PipedMessages => _piped;

    protected IReadOnlyList<MailQueueSummary> PipedQueues => _pipedQueues;

    /// <summary>Saved queue files piped in (Get-ChildItem *.jsonl | Get-MailQueue), read as -Path would be.</summary>
    protected IReadOnlyList<string> PipedPaths => _pipedPaths;

    /// <summary>Collects pipeline objects as typed messages, queue summaries or saved queue files.</summary>
    protected void CollectInput(PSObject[]? input)
    {
        foreach (var o in input ?? Array.Empty<PSObject>())
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

            if (o.BaseObject is FileSystemInfo file)
            {
                _pipedPaths.Add(file.FullName);
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
                    $"The pipeline object '{o}' is neither a queue message, a saved queue file nor an Exchange Get-Queue / Get-Message object.", o,
                    "Pipe Get-MailQueueMessage, Get-ChildItem of saved queue files, Get-Queue or Get-Message output."));
            }
        }
    }

    /// <summary>Messages: from the pipeline when there was input (objects, then piped files), else from the source parameters.</summary>
    protected IEnumerable<Outcome<QueueMessage>> Messages() =>
        HasPipelineInput
            ? _piped.Select(Outcome<QueueMessage>.Success).Concat(_pipedPaths.SelectMany(p => ReadLogged(OptionsForPath(p, Format))))
            : ReadLogged(SourceOptions());

    /// <summary>Reads a source, saying with -Verbose which one.</summary>
    protected IEnumerable<Outcome<QueueMessage>> ReadLogged(QueueSourceOptions options)
    {
        WriteVerbose($"{MyInvocation.MyCommand.Name}: reading {Describe(options)}");
        return QueueSource.ReadMessages(options, Cancellation);
    }

    /// <summary>The source in words for -Verbose: the file, the Postfix configuration or the exim binary.</summary>
    protected static string Describe(QueueSourceOptions o) => o.Kind switch
    {
        QueueSourceKind.Postfix => $"the live Postfix queue (postqueue -j{(o.ConfigDirectory is null ? string.Empty : " -c " + o.ConfigDirectory)})",
        QueueSourceKind.Exim => $"the live Exim queue ({o.EximPath ?? "exim"} -bpr{(o.EximConfig is null ? string.Empty : " -C " + o.EximConfig)})",
        _ => $"the file '{o.Path}' ({o.Kind}{(o.Clixml ? ", Clixml" : string.Empty)})",
    };

    /// <summary>The source options from the parameters.</summary>
    protected QueueSourceOptions SourceOptions()
    {
        if (Path is not null)
        {
            return OptionsForPath(GetUnresolvedProviderPathFromPSPath(Path), Format);
        }

        if (Exim.IsPresent || EximPath is not null || EximConfig is not null)
        {
            return new QueueSourceOptions { Kind = QueueSourceKind.Exim, EximPath = EximPath, EximConfig = EximConfig };
        }

        return new QueueSourceOptions { Kind = QueueSourceKind.Postfix, ConfigDirectory = ConfigDirectory };
    }

    /// <summary>The options of a saved file or folder: the format as given, else guessed from the extension.</summary>
    protected static QueueSourceOptions OptionsForPath(string full, QueueFileFormat format)
    {
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

/// <summary>The cmdlets that also read piped objects: queue messages, saved queue files, Exchange Get-Queue / Get-Message objects.</summary>
public abstract class QueuePipelineCmdlet : QueueSourceCmdlet
{
    /// <summary>Queue messages, saved queue files (Get-ChildItem) or Exchange Get-Queue / Get-Message objects from the pipeline.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>Collects this record's pipeline objects.</summary>
    protected void CollectInput() => CollectInput(InputObject);
}

/// <summary>
/// Suspend/Resume/Remove-MailQueueMessage: the messages come by object (-Message, piped; set "Message") or by
/// queue id (-Id with the source parameters, as Exchange's Suspend-Message -Identity). Each one is confirmed with
/// ShouldProcess; -WhatIf writes what would happen, nothing more.
/// </summary>
public abstract class QueueStateActionCmdlet : QueueSourceCmdlet
{
    public const string MessageSet = "Message";

    private readonly List<QueueMessage> _approved = new();

    /// <summary>The messages (Get-MailQueueMessage output, Test-MimeMessage reports or -PassThru results, by their Message property).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = MessageSet)]
    [ValidateNotNull]
    public QueueMessage[] Message { get; set; } = Array.Empty<QueueMessage>();

    /// <summary>Queue ids (wildcards) of the source given by -ConfigDirectory, -Exim... or -Path.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PostfixSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = EximSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [Alias("Identity")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    /// <summary>Write the result object of each message.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Hold, Release or Delete.</summary>
    protected abstract QueueAction Action { get; }

    /// <summary>The ShouldProcess action text.</summary>
    protected abstract string ActionText { get; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == MessageSet)
        {
            Approve(Message);
        }
    }

    protected override void EndProcessing()
    {
        Announce();
        if (ParameterSetName != MessageSet)
        {
            var filter = new QueueMessageFilter();
            foreach (var id in Id)
            {
                filter.Id.Add(id);
            }

            var found = new List<QueueMessage>();
            Emit(() => QueueOperations.GetMessages(ReadLogged(SourceOptions()), filter, Cancellation)
                .Where(o => { if (o.Kind == OutcomeKind.Result) { found.Add(o.Value!); return false; } return true; }));
            foreach (var id in Id.Where(i => !Wildcard.ContainsWildcard(i) && !found.Any(m => string.Equals(m.Id, i, StringComparison.OrdinalIgnoreCase))))
            {
                WriteItemError(new ItemError(ErrorIds.QueueMessageIdNotFound, OutageErrorCategory.ObjectNotFound,
                    $"No message with the id '{id}' is in {Describe(SourceOptions())}.", id, "List the queue (Get-MailQueueMessage) for the ids there now."));
            }

            Approve(found);
        }

        WriteVerbose($"{MyInvocation.MyCommand.Name}: {Action} of {_approved.Count} message(s)");
        foreach (var o in QueueActions.Apply(_approved, Action, Cancellation))
        {
            if (o.Kind == OutcomeKind.Result && !PassThru.IsPresent)
            {
                continue;
            }

            Emit(new[] { o });
        }
    }

    private void Approve(IEnumerable<QueueMessage> messages)
    {
        foreach (var m in messages)
        {
            if (ShouldProcess(m.ContentName, ActionText))
            {
                _approved.Add(m);
            }
        }
    }
}

