namespace Outage.Tools.Core.Reporting;

/// <summary>The formats Export-OutageReport and <c>outage report</c> write.</summary>
public enum ReportFormat
{
    Html,
    Markdown,
    Json,
    Prometheus,
}
