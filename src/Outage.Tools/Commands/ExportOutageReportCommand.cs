using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Outage.Tools.Core;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Reporting;

namespace Outage.Tools.Commands;

/// <summary>Export-OutageReport: writes check results as an HTML dashboard, Markdown, JSON or Prometheus text.</summary>
[Cmdlet(VerbsData.Export, "OutageReport", HelpUri = OutageCmdlet.HelpBase + "Export-OutageReport.md", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOutageReportCommand : OutageCmdlet
{
    /// <summary>Results of Invoke-OutageCheck (live or deserialized).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>The report file.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Html, Markdown, Json or Prometheus; default from the extension (.html .md .json .prom), else Html.</summary>
    [Parameter]
    public ReportFormat Format { get; set; } = ReportFormat.Html;

    /// <summary>Earlier runs (JSON Lines) to draw the backlog timeline from.</summary>
    [Parameter]
    public string? HistoryPath { get; set; }

    /// <summary>The report's title.</summary>
    [Parameter]
    public string Title { get; set; } = "Mail outage report";

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private readonly List<OutageCheckResult> _results = new();

    protected override void BeginProcessing()
    {
        // The format follows the extension; a -Format that contradicts it (HTML into r.json) is refused before any work.
        var implied = ReportFormats.FromExtension(Path);
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(Format)))
        {
            Format = implied ?? ReportFormat.Html;
        }
        else if (implied is { } ext && ext != Format)
        {
            ThrowArgumentError(ErrorIds.ReportFormatMismatch,
                $"The report format {Format} does not match the file name '{Path}', which implies {ext}.", Path,
                $"Name the file for the format (for example .{Extension(Format)}), or leave out -Format to use {ext}.");
        }
    }

    private static string Extension(ReportFormat format) => format switch
    {
        ReportFormat.Markdown => "md",
        ReportFormat.Json => "json",
        ReportFormat.Prometheus => "prom",
        _ => "html",
    };

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject ?? Array.Empty<PSObject>())
        {
            // Invoke-OutageCheck also emits its probable causes; the report derives them again from the results.
            if (item?.BaseObject is ProbableCause || (item?.TypeNames.Contains("Deserialized." + typeof(ProbableCause).FullName) ?? false))
            {
                WriteVerbose($"Skipped a probable cause (the report derives its own): {item}");
                continue;
            }

            string? problem = null;
            var result = item?.BaseObject as OutageCheckResult ?? OutageCheckResultReader.FromProperties(name => Property(item, name), out problem);
            if (result is null)
            {
                WriteItemError(new ItemError(ErrorIds.ReportInputInvalid, OutageErrorCategory.InvalidType,
                    $"The input object '{item}' is not an outage check result (it needs Area, Check and Status): {problem}.", item,
                    "Pipe the output of Invoke-OutageCheck into Export-OutageReport."));
                continue;
            }

            _results.Add(result);
        }
    }

    protected override void EndProcessing()
    {
        Announce();
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var all = new List<OutageCheckResult>();
        if (HistoryPath is not null)
        {
            WriteVerbose($"{MyInvocation.MyCommand.Name}: reading history '{GetUnresolvedProviderPathFromPSPath(HistoryPath)}'");
            all.AddRange(new OutageHistory(GetUnresolvedProviderPathFromPSPath(HistoryPath)).Read());
        }

        all.AddRange(_results);
        if (!ShouldProcess(path, $"Write {Format} report of {_results.Count} results"))
        {
            return;
        }

        try
        {
            ReportWriter.WriteFile(path, ReportWriter.Render(new OutageReport(all, title: Title), Format), Force);
        }
        catch (OutageException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex.Error));
        }

        // Through the provider, so the FileInfo carries PSPath, Mode and the rest of the default file view.
        WriteObject(SessionState.InvokeProvider.Item.Get(new[] { path }, true, true), true);
    }

    /// <summary>Reads a property of a live or deserialized object; deserialized DateTimeOffset arrives as a bag with UtcDateTime.</summary>
    private static object? Property(PSObject? item, string name)
    {
        var value = item?.Properties[name]?.Value;
        if (value is PSObject bag)
        {
            if (bag.BaseObject is not PSCustomObject && bag.BaseObject is not null && bag.Properties["UtcDateTime"] is null)
            {
                return bag.BaseObject;
            }

            var utc = bag.Properties["UtcDateTime"]?.Value;
            return utc is DateTime d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : bag.BaseObject;
        }

        return value;
    }
}
