using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Serialization;

namespace Outage.Tools.Core.Reporting;

/// <summary>Renders an <see cref="OutageReport"/> and writes it to a file atomically.</summary>
public static class ReportWriter
{
    /// <summary>The version of the JSON report schema (docs/report-schema.md); raised only for breaking changes.</summary>
    public const int JsonSchemaVersion = 1;

    public static string Render(OutageReport report, ReportFormat format) => format switch
    {
        ReportFormat.Html => HtmlReport.Render(report),
        ReportFormat.Markdown => Markdown(report),
        ReportFormat.Json => Json(report),
        ReportFormat.Prometheus => Prometheus(report),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file in the same folder
    /// and a rename, so a reader never sees half a report. An existing file is replaced only with
    /// <paramref name="force"/>.
    /// </summary>
    /// <exception cref="OutageException">The file exists (without force) or cannot be written.</exception>
    public static void WriteFile(string path, string content, bool force)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && !force)
        {
            throw new OutageException(ErrorIds.ReportFileExists, OutageErrorCategory.ResourceExists,
                $"The report file '{path}' already exists.", path, "Use -Force (--force) to replace it, or choose another -Path.");
        }

        var dir = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(temp, content, new UTF8Encoding(false));
            if (File.Exists(full))
            {
                File.Replace(temp, full, null);
            }
            else
            {
                File.Move(temp, full);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }

            throw new OutageException(ErrorIds.ReportWriteFailed, OutageErrorCategory.WriteError,
                $"The report file '{path}' cannot be written: {ex.Message}", path, "Check the folder exists and is writable.", ex);
        }
    }

    public static string Markdown(OutageReport report)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(ReportText.Markdown(report.Title)).Append("\n\n");
        sb.Append("Generated ").Append(ReportText.Markdown(ReportText.Time(report.Generated)))
            .Append(". Overall: **").Append(report.Overall?.ToString() ?? "nothing checked").Append("**\n\n");
        if (report.Causes.Count > 0)
        {
            sb.Append("## Probable cause\n\n");
            foreach (var c in report.Causes)
            {
                sb.Append("- **").Append(ReportText.Markdown(c.Statement)).Append("** (").Append(c.Layer).Append("; rests on: ")
                    .Append(string.Join("; ", c.RestsOn.Select(ReportText.Markdown))).Append(")\n");
            }

            sb.Append('\n');
        }

        sb.Append("| Area | Status |\n| --- | --- |\n");
        foreach (var area in OutageReport.Areas)
        {
            sb.Append("| ").Append(area).Append(" | ").Append(report.AreaStatus(area)?.ToString() ?? "not checked").Append(" |\n");
        }

        sb.Append("\n## Results\n\n| Status | Area | Host | Target | Check | Summary | Since |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var r in report.Latest)
        {
            sb.Append("| ").Append(r.Status).Append(" | ").Append(r.Area).Append(" | ").Append(ReportText.Markdown(r.ComputerName))
                .Append(" | ").Append(ReportText.Markdown(r.Target)).Append(" | ").Append(ReportText.Markdown(r.Check))
                .Append(" | ").Append(ReportText.Markdown(r.Summary)).Append(" | ").Append(ReportText.Markdown(ReportText.Time(r.Since))).Append(" |\n");
        }

        var problems = report.Latest.Where(r => r.Status != CheckStatus.Pass).ToList();
        if (problems.Count > 0)
        {
            sb.Append("\n## Details\n");
            foreach (var r in problems)
            {
                sb.Append("\n### ").Append(r.Status).Append(": ").Append(ReportText.Markdown(r.Target)).Append(' ').Append(ReportText.Markdown(r.Check)).Append("\n\n");
                if (!string.IsNullOrEmpty(r.Detail))
                {
                    sb.Append(ReportText.Markdown(r.Detail)).Append("\n\n");
                }

                foreach (var e in r.Evidence.Take(50))
                {
                    sb.Append("- ").Append(ReportText.Markdown(e)).Append('\n');
                }
            }
        }

        return sb.ToString();
    }

    public static string Json(OutageReport report)
    {
        var doc = new Dictionary<string, object?>
        {
            ["schemaVersion"] = JsonSchemaVersion,
            ["title"] = report.Title,
            ["generated"] = report.Generated,
            ["overall"] = report.Overall?.ToString(),
            ["areas"] = OutageReport.Areas.ToDictionary(a => a.ToString(), a => (object?)report.AreaStatus(a)?.ToString()),
            ["causes"] = report.Causes.Select(c => new Dictionary<string, object?>
            {
                ["rule"] = c.Rule,
                ["layer"] = c.Layer.ToString(),
                ["severity"] = c.Severity.ToString(),
                ["statement"] = c.Statement,
                ["restsOn"] = c.RestsOn,
            }).ToList(),
            ["results"] = report.Latest.Select(OutageHistory.ToTable).ToList(),
            ["backlog"] = report.Backlog.Select(s => new Dictionary<string, object?>
            {
                ["series"] = s.Key,
                ["points"] = s.Value.Select(p => new Dictionary<string, object?> { ["time"] = p.Time, ["count"] = p.Count }).ToList(),
            }).ToList(),
        };
        return JsonWriter.Serialize(doc) + "\n";
    }

    /// <summary>Prometheus text exposition format 0.0.4, for node_exporter's textfile collector.</summary>
    public static string Prometheus(OutageReport report)
    {
        var sb = new StringBuilder();
        void Family(string name, string help, Func<OutageCheckResult, double?> value)
        {
            var rows = report.Latest.Select(r => (r, v: value(r))).Where(x => x.v.HasValue).ToList();
            if (rows.Count == 0)
            {
                return;
            }

            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(" gauge\n");
            foreach (var (r, v) in rows)
            {
                sb.Append(name).Append("{area=\"").Append(r.Area).Append("\",target=\"").Append(ReportText.PrometheusLabel(r.Target))
                    .Append("\",check=\"").Append(ReportText.PrometheusLabel(r.Check)).Append("\",host=\"").Append(ReportText.PrometheusLabel(r.ComputerName))
                    .Append("\"} ").Append(ReportText.PrometheusValue(v!.Value)).Append('\n');
            }
        }

        Family("outage_check_status", "Status of the check: 0 pass, 1 warn, 2 fail, 3 error.", r => (double)r.Status);
        Family("outage_check_ok", "1 when the check passed, else 0.", r => r.Status == CheckStatus.Pass ? 1 : 0);
        Family("outage_check_duration_seconds", "How long the check took.", r => Math.Round(r.Duration.TotalSeconds, 6));
        Family("outage_check_status_since_timestamp_seconds", "Unix time since which the status holds.", r => r.Since.ToUnixTimeSeconds());
        Family("outage_check_value", "The value the check measured (see the check's unit in the report).", r => r.Value);
        sb.Append("# HELP outage_report_generated_timestamp_seconds Unix time the report was written.\n");
        sb.Append("# TYPE outage_report_generated_timestamp_seconds gauge\n");
        sb.Append("outage_report_generated_timestamp_seconds ").Append(report.Generated.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }
}
