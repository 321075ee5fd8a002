using System;

namespace Outage.Tools.Core.Reporting;

/// <summary>The formats Export-OutageReport and <c>outage report</c> write.</summary>
public enum ReportFormat
{
    Html,
    Markdown,
    Json,
    Prometheus,
}

/// <summary>The report format a file name implies.</summary>
public static class ReportFormats
{
    /// <summary>.html/.htm Html, .md/.markdown Markdown, .json Json, .prom Prometheus (the textfile collector's extension); else null.</summary>
    public static ReportFormat? FromExtension(string path)
    {
        var ext = System.IO.Path.GetExtension(path ?? throw new ArgumentNullException(nameof(path))).ToLowerInvariant();
        return ext switch
        {
            ".html" or ".htm" => ReportFormat.Html,
            ".md" or ".markdown" => ReportFormat.Markdown,
            ".json" => ReportFormat.Json,
            ".prom" => ReportFormat.Prometheus,
            _ => null,
        };
    }
}
