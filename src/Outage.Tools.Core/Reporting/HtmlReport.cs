using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Outage.Tools.Core.Checks;

namespace Outage.Tools.Core.Reporting;

/// <summary>
/// One self-contained HTML file that reads like a service health dashboard: a status tile per area, what
/// changed and when, an SVG timeline of the queue backlog, DNS and endpoint timing bars, the poison messages
/// with their rules, and every result with its details on demand (&lt;details&gt;, no script). No external
/// asset; a Content-Security-Policy forbids scripts and remote loads, and every string is HTML-escaped.
/// </summary>
public static class HtmlReport
{
    private static string Css(CheckStatus? s) => s switch
    {
        CheckStatus.Pass => "pass",
        CheckStatus.Warn => "warn",
        CheckStatus.Fail => "fail",
        CheckStatus.Error => "error",
        _ => "none",
    };

    private static string E(string? s) => ReportText.Html(s);

    private static string N(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Render(OutageReport report)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(E(report.Title)).Append("</title>\n<style>\n").Append(Style).Append("</style></head><body>\n");
        sb.Append("<header><h1>").Append(E(report.Title)).Append("</h1><p class=\"meta\">Generated ").Append(E(ReportText.Time(report.Generated)))
            .Append(" · overall <span class=\"badge ").Append(Css(report.Overall)).Append("\" id=\"overall\">").Append(report.Overall?.ToString() ?? "Nothing checked")
            .Append("</span></p></header>\n");

        // Probable causes first: which layer is broken and why, with the results each rests on.
        if (report.Causes.Count > 0)
        {
            sb.Append("<section class=\"causes\" id=\"causes\"><h2>Probable cause</h2><ol>");
            foreach (var c in report.Causes)
            {
                sb.Append("<li class=\"cause\"><span class=\"badge ").Append(Css(c.Severity)).Append("\">").Append(c.Layer)
                    .Append("</span> <strong>").Append(E(c.Statement)).Append("</strong><details><summary>rests on ").Append(c.RestsOn.Count)
                    .Append(" results</summary><ul class=\"evidence\">");
                foreach (var basis in c.RestsOn)
                {
                    sb.Append("<li><code>").Append(E(basis)).Append("</code></li>");
                }

                sb.Append("</ul></details></li>");
            }

            sb.Append("</ol></section>\n");
        }

        // Status tiles.
        sb.Append("<section class=\"tiles\">\n");
        foreach (var area in OutageReport.Areas)
        {
            var status = report.AreaStatus(area);
            var of = report.Latest.Where(r => r.Area == area).ToList();
            // The queue card headlines the count and trend ("265 queued, growing +16/min"), not the oldest message.
            var worst = of.OrderByDescending(r => r.Status).ThenByDescending(r => r.Check == "queue-size").FirstOrDefault();
            if (area == CheckArea.Queue && of.Where(r => r.Check == "queue-size").OrderByDescending(r => r.Status).FirstOrDefault() is { } size && worst is not null
                && worst.Status != CheckStatus.Error)
            {
                worst = size.Status == CheckStatus.Pass && worst.Status != CheckStatus.Pass ? worst : size;
            }

            sb.Append("<div class=\"tile ").Append(Css(status)).Append("\" id=\"tile-").Append(area.ToString().ToLowerInvariant()).Append("\"><h2>").Append(area)
                .Append("</h2><p class=\"status\">").Append(status?.ToString() ?? "Not checked").Append("</p><p class=\"count\">")
                .Append(of.Count).Append(" checks · ").Append(of.Count(r => r.Status != CheckStatus.Pass)).Append(" not passing</p>");
            if (worst is not null && worst.Status != CheckStatus.Pass)
            {
                sb.Append("<p class=\"worst\">").Append(E(worst.Summary)).Append("</p><p class=\"since\">since ").Append(E(ReportText.Time(worst.Since))).Append("</p>");
            }

            sb.Append("</div>\n");
        }

        sb.Append("</section>\n");

        // What changed and when.
        var changes = report.Changes.Take(30).ToList();
        sb.Append("<section><h2>What changed and when</h2>");
        if (changes.Count == 0)
        {
            sb.Append("<p>Everything passes and nothing changed in the last 24 hours.</p>");
        }
        else
        {
            sb.Append("<ol class=\"changes\">");
            foreach (var r in changes)
            {
                sb.Append("<li><span class=\"badge ").Append(Css(r.Status)).Append("\">").Append(r.Status).Append("</span> <time>")
                    .Append(E(ReportText.Time(r.Since))).Append("</time> ").Append(r.Area).Append(" · ").Append(E(r.Target)).Append(" · ")
                    .Append(E(r.Check)).Append(": ").Append(E(r.Summary)).Append("</li>");
            }

            sb.Append("</ol>");
        }

        sb.Append("</section>\n");
        // The backlog and the deferrals per hour side by side: the queue grows while the log says why.
        sb.Append("<div class=\"charts\">\n");
        Timeline(sb, report);
        Deferrals(sb, report);
        sb.Append("</div>\n");
        Timings(sb, report);
        Poison(sb, report);

        // Every result, details on demand.
        sb.Append("<section><h2>All results</h2><table class=\"results\"><thead><tr><th>Status</th><th>Area</th><th>Host</th><th>Target</th><th>Check</th><th>Summary</th><th>Since</th><th>Duration</th></tr></thead><tbody>\n");
        foreach (var r in report.Latest)
        {
            sb.Append("<tr class=\"").Append(Css(r.Status)).Append("\"><td><span class=\"badge ").Append(Css(r.Status)).Append("\">").Append(r.Status).Append("</span></td><td>")
                .Append(r.Area).Append("</td><td>").Append(E(r.ComputerName)).Append("</td><td>").Append(E(r.Target)).Append("</td><td>").Append(E(r.Check))
                .Append("</td><td><details><summary>").Append(E(r.Summary)).Append("</summary>");
            if (!string.IsNullOrEmpty(r.Detail))
            {
                sb.Append("<p>").Append(E(r.Detail)).Append("</p>");
            }

            if (r.Evidence.Count > 0)
            {
                sb.Append("<ul class=\"evidence\">");
                foreach (var e in r.Evidence.Take(100))
                {
                    sb.Append("<li><code>").Append(E(e)).Append("</code></li>");
                }

                sb.Append("</ul>");
            }

            sb.Append("</details></td><td>").Append(E(ReportText.Time(r.Since))).Append("</td><td>").Append(E(ReportText.Duration(r.Duration))).Append("</td></tr>\n");
        }

        sb.Append("</tbody></table></section>\n<footer>Outage.Tools · ").Append(report.Latest.Count).Append(" checks</footer>\n</body></html>\n");
        return sb.ToString();
    }

    private static void Timeline(StringBuilder sb, OutageReport report)
    {
        sb.Append("<section><h2>Queue backlog</h2>");
        if (report.Backlog.Count == 0)
        {
            sb.Append("<p>No queue measurements.</p></section>\n");
            return;
        }

        const int W = 720, H = 200, L = 50, B = 30;
        var points = report.Backlog.SelectMany(s => s.Value).ToList();
        var t0 = points.Min(p => p.Time);
        var t1 = points.Max(p => p.Time);
        var span = Math.Max(1, (t1 - t0).TotalSeconds);
        var max = Math.Max(1, points.Max(p => p.Count));
        string[] colours = { "#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2" };
        sb.Append("<svg class=\"timeline\" role=\"img\" aria-label=\"Queue backlog over time\" viewBox=\"0 0 ").Append(W).Append(' ').Append(H)
            .Append("\" width=\"").Append(W).Append("\" height=\"").Append(H).Append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        sb.Append("<line x1=\"").Append(L).Append("\" y1=\"").Append(H - B).Append("\" x2=\"").Append(W - 10).Append("\" y2=\"").Append(H - B).Append("\" stroke=\"#888\"/>");
        sb.Append("<line x1=\"").Append(L).Append("\" y1=\"10\" x2=\"").Append(L).Append("\" y2=\"").Append(H - B).Append("\" stroke=\"#888\"/>");
        sb.Append("<text x=\"").Append(L - 5).Append("\" y=\"16\" text-anchor=\"end\" font-size=\"11\">").Append(N(max)).Append("</text>");
        sb.Append("<text x=\"").Append(L - 5).Append("\" y=\"").Append(H - B).Append("\" text-anchor=\"end\" font-size=\"11\">0</text>");
        sb.Append("<text x=\"").Append(L).Append("\" y=\"").Append(H - 8).Append("\" font-size=\"11\">").Append(E(ReportText.Time(t0))).Append("</text>");
        sb.Append("<text x=\"").Append(W - 10).Append("\" y=\"").Append(H - 8).Append("\" text-anchor=\"end\" font-size=\"11\">").Append(E(ReportText.Time(t1))).Append("</text>");
        var i = 0;
        foreach (var series in report.Backlog)
        {
            var colour = colours[i++ % colours.Length];
            var coords = series.Value.Select(p => (x: L + (p.Time - t0).TotalSeconds / span * (W - L - 10), y: H - B - p.Count / max * (H - B - 10))).ToList();
            sb.Append("<polyline fill=\"none\" stroke=\"").Append(colour).Append("\" stroke-width=\"2\" points=\"")
                .Append(string.Join(" ", coords.Select(c => N(c.x) + "," + N(c.y)))).Append("\"><title>").Append(E(series.Key)).Append("</title></polyline>");
            foreach (var c in coords)
            {
                sb.Append("<circle cx=\"").Append(N(c.x)).Append("\" cy=\"").Append(N(c.y)).Append("\" r=\"3\" fill=\"").Append(colour).Append("\"/>");
            }
        }

        sb.Append("</svg><ul class=\"legend\">");
        i = 0;
        foreach (var series in report.Backlog)
        {
            var last = series.Value.Last();
            sb.Append("<li><span class=\"swatch\" style=\"background:").Append(colours[i++ % colours.Length]).Append("\"></span>").Append(E(series.Key))
                .Append(": ").Append(N(last.Count)).Append(" messages at ").Append(E(ReportText.Time(last.Time))).Append("</li>");
        }

        sb.Append("</ul></section>\n");
    }

    /// <summary>Bars of deferrals per hour from each deferral-rate result's trend (Logs entries), one colour per log.</summary>
    private static void Deferrals(StringBuilder sb, OutageReport report)
    {
        sb.Append("<section><h2>Deferrals per hour</h2>");
        var series = report.Deferrals;
        if (series.Count == 0)
        {
            sb.Append("<p>No mail log checked (add a Logs entry to the configuration).</p></section>\n");
            return;
        }

        const int W = 720, H = 200, L = 50, B = 30;
        var hours = series.SelectMany(s => s.Value).Select(p => p.Time).Distinct().OrderBy(t => t).ToList();
        var t0 = hours[0];
        var slots = Math.Max(1, (int)Math.Round((hours[hours.Count - 1] - t0).TotalHours) + 1);
        var max = Math.Max(1, series.SelectMany(s => s.Value).Max(p => p.Count));
        var slot = (W - L - 10) / (double)slots;
        var bar = Math.Max(1, slot * 0.8 / series.Count);
        string[] colours = { "#b45309", "#7c3aed", "#0891b2", "#db2777", "#059669", "#2563eb" };
        sb.Append("<svg class=\"timeline\" role=\"img\" aria-label=\"Deferrals per hour\" viewBox=\"0 0 ").Append(W).Append(' ').Append(H)
            .Append("\" width=\"").Append(W).Append("\" height=\"").Append(H).Append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        sb.Append("<line x1=\"").Append(L).Append("\" y1=\"").Append(H - B).Append("\" x2=\"").Append(W - 10).Append("\" y2=\"").Append(H - B).Append("\" stroke=\"#888\"/>");
        sb.Append("<line x1=\"").Append(L).Append("\" y1=\"10\" x2=\"").Append(L).Append("\" y2=\"").Append(H - B).Append("\" stroke=\"#888\"/>");
        sb.Append("<text x=\"").Append(L - 5).Append("\" y=\"16\" text-anchor=\"end\" font-size=\"11\">").Append(N(max)).Append("</text>");
        sb.Append("<text x=\"").Append(L - 5).Append("\" y=\"").Append(H - B).Append("\" text-anchor=\"end\" font-size=\"11\">0</text>");
        sb.Append("<text x=\"").Append(L).Append("\" y=\"").Append(H - 8).Append("\" font-size=\"11\">").Append(E(ReportText.Time(t0))).Append("</text>");
        sb.Append("<text x=\"").Append(W - 10).Append("\" y=\"").Append(H - 8).Append("\" text-anchor=\"end\" font-size=\"11\">")
            .Append(E(ReportText.Time(hours[hours.Count - 1]))).Append("</text>");
        var i = 0;
        foreach (var s in series)
        {
            var colour = colours[i % colours.Length];
            foreach (var p in s.Value)
            {
                var x = L + Math.Round((p.Time - t0).TotalHours) * slot + slot * 0.1 + i * bar;
                var h = p.Count / max * (H - B - 10);
                sb.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(H - B - h)).Append("\" width=\"").Append(N(bar)).Append("\" height=\"").Append(N(h))
                    .Append("\" fill=\"").Append(colour).Append("\"><title>").Append(E(s.Key)).Append(' ')
                    .Append(E(p.Time.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture))).Append(": ").Append(N(p.Count)).Append(" deferrals</title></rect>");
            }

            i++;
        }

        sb.Append("</svg><ul class=\"legend\">");
        i = 0;
        foreach (var s in series)
        {
            var last = s.Value.Last();
            sb.Append("<li><span class=\"swatch\" style=\"background:").Append(colours[i++ % colours.Length]).Append("\"></span>").Append(E(s.Key))
                .Append(": ").Append(N(last.Count)).Append(" deferrals in the hour from ").Append(E(ReportText.Time(last.Time))).Append("</li>");
        }

        sb.Append("</ul></section>\n");
    }

    private static void Timings(StringBuilder sb, OutageReport report)
    {
        var timed = report.Latest.Where(r => (r.Area == CheckArea.Dns || r.Area == CheckArea.Endpoint) && r.Duration > TimeSpan.Zero)
            .OrderBy(r => r.Area).ThenByDescending(r => r.Duration).Take(40).ToList();
        sb.Append("<section><h2>DNS and endpoint response times</h2>");
        if (timed.Count == 0)
        {
            sb.Append("<p>No DNS or endpoint timings.</p></section>\n");
            return;
        }

        var max = timed.Max(r => r.Duration.TotalMilliseconds);
        sb.Append("<table class=\"bars\">");
        foreach (var r in timed)
        {
            var pct = max <= 0 ? 0 : r.Duration.TotalMilliseconds / max * 100;
            sb.Append("<tr><td>").Append(r.Area).Append(" · ").Append(E(r.Target)).Append(" · ").Append(E(r.Check)).Append("</td><td class=\"bar\"><span class=\"")
                .Append(Css(r.Status)).Append("\" style=\"width:").Append(N(Math.Max(1, pct))).Append("%\"></span></td><td>").Append(E(ReportText.Duration(r.Duration))).Append("</td></tr>");
        }

        sb.Append("</table></section>\n");
    }

    private static void Poison(StringBuilder sb, OutageReport report)
    {
        var poison = report.Latest.Where(r => r.Area == CheckArea.Mime && r.Status == CheckStatus.Fail).ToList();
        sb.Append("<section><h2>Poison messages</h2>");
        if (poison.Count == 0)
        {
            sb.Append("<p>No poison message found (nonconforming but harmless messages are counted in the poison-messages detail).</p></section>\n");
            return;
        }

        sb.Append("<ul class=\"poison\">");
        foreach (var r in poison)
        {
            sb.Append("<li><strong>").Append(E(r.Target)).Append("</strong>: ").Append(E(r.Summary));
            if (r.Evidence.Count > 0)
            {
                sb.Append("<ul>");
                foreach (var e in r.Evidence.Take(50))
                {
                    sb.Append("<li><code>").Append(E(e)).Append("</code></li>");
                }

                sb.Append("</ul>");
            }

            sb.Append("</li>");
        }

        sb.Append("</ul></section>\n");
    }

    private const string Style = @"body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#1f2937;background:#f8fafc}
h1{margin:0 0 4px}h2{font-size:1.1rem;margin:24px 0 8px}.meta{color:#555;margin:0}
.causes{border:2px solid #b00020;border-radius:8px;padding:8px 16px;margin-top:16px;background:#fff5f5}.causes h2{margin:4px 0}.causes li{margin:6px 0}.causes strong{font-size:1.05rem}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-top:16px}
.tile{border-radius:8px;padding:12px;color:#fff;min-height:110px}.tile h2{margin:0;font-size:1rem}.tile .status{font-size:1.6rem;font-weight:700;margin:6px 0}
.tile p{margin:2px 0;font-size:.85rem;overflow-wrap:anywhere}
.pass{background:#15803d}.warn{background:#b45309}.fail{background:#b91c1c}.error{background:#6b21a8}.none{background:#6b7280}
.badge{display:inline-block;border-radius:4px;padding:1px 6px;color:#fff;font-size:.8rem;font-weight:600}
tr.pass,tr.warn,tr.fail,tr.error{background:none}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top;font-size:.85rem;overflow-wrap:anywhere}
.bars td.bar{width:50%}.bars td.bar span{display:block;height:12px;border-radius:3px}
.legend{list-style:none;padding:0}.swatch{display:inline-block;width:10px;height:10px;margin-right:6px}
.timeline{background:#fff;border:1px solid #e5e7eb;max-width:100%;height:auto}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
.results td:nth-child(-n+3),.results th{white-space:nowrap}
code{font-size:.8rem;overflow-wrap:anywhere}details summary{cursor:pointer}footer{color:#777;margin:24px 0;font-size:.8rem}
";
}
