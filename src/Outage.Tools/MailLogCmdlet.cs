using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Logs;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>The inputs and filters Get-MailLogEvent, Measure-MailLog and Measure-MessageDelay share.</summary>
public abstract class MailLogCmdlet : OutageCmdlet
{
    /// <summary>Log files (plain or .gz); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Log files, taken literally.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Log text (lines separated by newlines).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Content")]
    [ValidateNotNull]
    public string? Content { get; set; }

    /// <summary>The log format; Auto recognises it from the first lines.</summary>
    [Parameter]
    public MailLogFormat Format { get; set; } = MailLogFormat.Auto;

    /// <summary>Only events at or after this time.</summary>
    [Parameter]
    public DateTimeOffset Start { get; set; }

    /// <summary>Only events before this time.</summary>
    [Parameter]
    public DateTimeOffset End { get; set; }

    /// <summary>Only these queue ids.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? QueueId { get; set; }

    /// <summary>Only these Message-IDs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? MessageId { get; set; }

    /// <summary>Only senders in these domains.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? SenderDomain { get; set; }

    /// <summary>Only recipients in these domains.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? RecipientDomain { get; set; }

    /// <summary>Only these statuses.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public MailLogStatus[]? Status { get; set; }

    /// <summary>The year of syslog dates, which have none.</summary>
    [Parameter]
    [ValidateRange(1970, 9999)]
    public int Year { get; set; }

    /// <summary>The UTC offset of zone-less timestamps (default: this computer's time zone).</summary>
    [Parameter]
    public TimeSpan UtcOffset { get; set; }

    /// <summary>Postfix's syslog_name when it does not start with "postfix".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string SyslogName { get; set; } = "postfix";

    /// <summary>A request with the filters bound and the inputs of this pipeline item.</summary>
    protected MailLogRequest NewRequest()
    {
        var r = new MailLogRequest { Format = Format, SyslogName = SyslogName };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Start)))
        {
            r.Start = Start;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(End)))
        {
            r.End = End;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(Year)))
        {
            r.Year = Year;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(UtcOffset)))
        {
            r.UtcOffset = UtcOffset;
        }

        Add(r.QueueId, QueueId);
        Add(r.MessageId, MessageId);
        Add(r.SenderDomain, SenderDomain);
        Add(r.RecipientDomain, RecipientDomain);
        foreach (var s in Status ?? Array.Empty<MailLogStatus>())
        {
            r.Status.Add(s);
        }

        WriteVerbose($"Reading mail logs as {Format}; zone-less times in {(r.UtcOffset is { } o ? "UTC" + (o < TimeSpan.Zero ? "-" : "+") + o.ToString(@"hh\:mm") : "this computer's time zone")}.");
        return r;
    }

    private static void Add(ICollection<string> target, string[]? values)
    {
        foreach (var v in values ?? Array.Empty<string>())
        {
            target.Add(v);
        }
    }

    /// <summary>The inputs of the current pipeline item (file system paths resolved through the provider).</summary>
    protected IEnumerable<MailLogInput> Inputs()
    {
        switch (ParameterSetName)
        {
            case "Content":
                yield return MailLogInput.FromContent("<content>", Content ?? string.Empty);
                break;
            case "LiteralPath":
                foreach (var p in LiteralPath ?? Array.Empty<string>())
                {
                    yield return MailLogInput.FromPath(SessionState.Path.GetUnresolvedProviderPathFromPSPath(p));
                }

                break;
            default:
                foreach (var p in Path ?? Array.Empty<string>())
                {
                    Collection<string>? resolved = null;
                    ItemError? error = null;
                    try
                    {
                        resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(p, out var provider);
                        if (provider.Name != "FileSystem")
                        {
                            error = new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                                $"The path '{p}' is not a file system path.", p, "Give the path of a log file.");
                        }
                    }
                    catch (ItemNotFoundException ex)
                    {
                        error = new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The log '{p}' does not exist.", p,
                            "Check the path, or use -LiteralPath for names with wildcard characters.", ex);
                    }

                    if (error is not null)
                    {
                        WriteItemError(error);
                        continue;
                    }

                    foreach (var r in resolved!)
                    {
                        yield return MailLogInput.FromPath(r);
                    }
                }

                break;
        }
    }

    private readonly List<MailLogInput> _collected = new();
    private MailLogRequest? _collectedRequest;

    /// <summary>For the cmdlets that answer only once every log is read (the summaries): keeps this record's inputs.</summary>
    protected void CollectInputs()
    {
        _collectedRequest ??= NewRequest();
        _collected.AddRange(Inputs());
    }

    /// <summary>The number of logs <see cref="CollectInputs"/> kept so far.</summary>
    protected int CollectedCount => _collected.Count;

    /// <summary>One request over every log <see cref="CollectInputs"/> kept, in the order given; null when there is none.</summary>
    protected MailLogRequest? CollectedRequest()
    {
        if (_collectedRequest is null || _collected.Count == 0)
        {
            return null;
        }

        foreach (var input in _collected)
        {
            _collectedRequest.Inputs.Add(input);
        }

        _collected.Clear();
        return _collectedRequest;
    }
}
