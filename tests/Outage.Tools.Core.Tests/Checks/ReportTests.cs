using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Reporting;
using Outage.Tools.Core.Serialization;
using Xunit;

namespace Outage.Tools.Core.Tests.Checks;

public sealed class ReportTests
{
    private const string Script = "<script>alert('x')</script>";
    private const string Img = "<img src=x onerror=alert(1)>";
    private const string Js = "[click](javascript:alert(1))";
    private const string MdImage = "![i](http://evil.test/i.png) **bold** | cell";

    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Hostile strings in every field that can come from mail or a server.</summary>
    private static List<OutageCheckResult> Hostile() => new()
    {
        new(CheckArea.Mime, Script, "poison-messages", CheckStatus.Fail, Img, Js, new[] { MdImage, Script }, T0, TimeSpan.FromMilliseconds(5), Img),
        new(CheckArea.Endpoint, Js, Script, CheckStatus.Warn, MdImage, Img, new[] { Js }, T0, TimeSpan.FromMilliseconds(250), "mx1"),
        new(CheckArea.Dns, "example.test", "mx-present", CheckStatus.Pass, "MX found", null, new[] { "10 mail.example.test." }, T0, TimeSpan.FromMilliseconds(3), "mx1"),
        new(CheckArea.Queue, "postfix", "queue-size", CheckStatus.Fail, "2500 messages", null, null, T0, TimeSpan.FromMilliseconds(40), "mx1", 2500, "messages"),
        new(CheckArea.Queue, "postfix", "queue-size", CheckStatus.Warn, "300 messages", null, null, T0.AddMinutes(-10), TimeSpan.FromMilliseconds(40), "mx1", 300, "messages"),
    };

    [Fact]
    public void Html_escapes_every_hostile_string()
    {
        var html = ReportWriter.Render(new OutageReport(Hostile(), T0), ReportFormat.Html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        // Self-contained: nothing loaded from elsewhere.
        Assert.DoesNotMatch(new Regex("(src|href)\\s*=\\s*[\"']?(https?:|//)", RegexOptions.IgnoreCase), html);
    }

    [Fact]
    public void Markdown_renders_hostile_strings_as_text()
    {
        var md = ReportWriter.Render(new OutageReport(Hostile(), T0), ReportFormat.Markdown);
        Assert.DoesNotContain("<script", md, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", md, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("](javascript", md, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("![i]", md, StringComparison.Ordinal);
        Assert.DoesNotContain("**bold**", md, StringComparison.Ordinal);
        Assert.Contains("\\[click\\]\\(javascript\\:alert\\(1\\)\\)", md, StringComparison.Ordinal);
        // Every table row keeps its 7 cells: an injected '|' does not split a cell.
        foreach (var row in md.Split('\n').Where(l => l.StartsWith("| Fail |", StringComparison.Ordinal) || l.StartsWith("| Warn |", StringComparison.Ordinal)))
        {
            Assert.Equal(8, Regex.Matches(row, @"(?<!\\)\|").Count);
        }
    }

    [Fact]
    public void Json_report_has_the_documented_schema_and_round_trips_results()
    {
        var json = ReportWriter.Render(new OutageReport(Hostile(), T0), ReportFormat.Json);
        var doc = (Dictionary<string, object?>)JsonValue.Parse(json)!;
        Assert.Equal(1.0, doc["schemaVersion"]);
        Assert.Equal("Fail", doc["overall"]);
        var areas = (Dictionary<string, object?>)doc["areas"]!;
        Assert.Equal("Fail", areas["Mime"]);
        Assert.Equal("Pass", areas["Dns"]);
        var results = ((List<object?>)doc["results"]!).Cast<Dictionary<string, object?>>().Select(r => OutageHistory.FromTable(r)!).ToList();
        Assert.Equal(4, results.Count); // the older queue-size result only feeds the backlog
        Assert.Contains(results, r => r.Target == Script && r.Summary == Img && r.Evidence.Contains(MdImage));
        var backlog = (List<object?>)doc["backlog"]!;
        var points = (List<object?>)((Dictionary<string, object?>)backlog.Single()!)["points"]!;
        Assert.Equal(new[] { 300.0, 2500.0 }, points.Cast<Dictionary<string, object?>>().Select(p => (double)p["count"]!));
        Assert.DoesNotContain("<", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Prometheus_output_parses_back_under_the_exposition_rules()
    {
        var text = ReportWriter.Render(new OutageReport(Hostile(), T0), ReportFormat.Prometheus);
        var samples = PrometheusText.Parse(text);
        var status = samples.Where(s => s.Name == "outage_check_status").ToList();
        Assert.Equal(4, status.Count);
        var mime = status.Single(s => s.Labels["area"] == "Mime");
        Assert.Equal(Script, mime.Labels["target"]);
        Assert.Equal(Img, mime.Labels["host"]);
        Assert.Equal(2, mime.Value);
        Assert.Equal(2500, samples.Single(s => s.Name == "outage_check_value").Value);
        Assert.Equal(0, samples.Single(s => s.Name == "outage_check_ok" && s.Labels["area"] == "Endpoint").Value);
    }

    [Fact]
    public void Report_files_are_written_atomically_and_never_overwritten_without_force()
    {
        var dir = Directory.CreateTempSubdirectory("outage-report-").FullName;
        try
        {
            var path = Path.Combine(dir, "r.md");
            ReportWriter.WriteFile(path, "first", force: false);
            var ex = Assert.Throws<OutageException>(() => ReportWriter.WriteFile(path, "second", force: false));
            Assert.Equal(ErrorIds.ReportFileExists, ex.Error.ErrorId);
            Assert.Equal("first", File.ReadAllText(path));
            ReportWriter.WriteFile(path, "third", force: true);
            Assert.Equal("third", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir)); // no temporary file left behind
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Html_report_renders_in_real_Chromium_with_statuses_and_escaped_strings_as_text()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        Assert.True(chromium is not null, "Chromium is not installed: apt-get install chromium (tests/peers/install.sh does it).");
        var dir = Directory.CreateTempSubdirectory("outage-chromium-").FullName;
        try
        {
            var html = Path.Combine(dir, "report.html");
            File.WriteAllText(html, ReportWriter.Render(new OutageReport(Hostile(), T0), ReportFormat.Html));
            var dom = RunChromium(chromium!, dir, "--dump-dom", "file://" + html);
            Assert.Contains("<title>Mail outage report</title>", dom, StringComparison.Ordinal);
            Assert.Matches(new Regex("id=\"tile-queue\"[^>]*>.*?<p class=\"status\">Fail</p>", RegexOptions.Singleline), dom);
            Assert.Matches(new Regex("id=\"tile-mime\"[^>]*>.*?<p class=\"status\">Fail</p>", RegexOptions.Singleline), dom);
            Assert.Matches(new Regex("id=\"tile-dns\"[^>]*>.*?<p class=\"status\">Pass</p>", RegexOptions.Singleline), dom);
            Assert.Matches(new Regex("id=\"tile-endpoint\"[^>]*>.*?<p class=\"status\">Warn</p>", RegexOptions.Singleline), dom);
            // The hostile strings are text nodes in the live DOM, not elements.
            Assert.Contains("&lt;script&gt;alert('x')&lt;/script&gt;", dom, StringComparison.Ordinal);
            Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);

            var png = Path.Combine(dir, "report.png");
            RunChromium(chromium!, dir, "--screenshot=" + png, "--window-size=1024,768", "file://" + html);
            var blankHtml = Path.Combine(dir, "blank.html");
            File.WriteAllText(blankHtml, "<!DOCTYPE html><html><body></body></html>");
            var blankPng = Path.Combine(dir, "blank.png");
            RunChromium(chromium!, dir, "--screenshot=" + blankPng, "--window-size=1024,768", "file://" + blankHtml);
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes.Take(4));
            // A page with coloured tiles, text and a chart compresses far worse than a blank page of the same size.
            Assert.True(bytes.Length > 4 * new FileInfo(blankPng).Length, $"screenshot {bytes.Length} bytes vs blank {new FileInfo(blankPng).Length}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    internal static string RunChromium(string chromium, string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + Path.Combine(dir, "profile") })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            p.Kill(true);
            throw new TimeoutException("Chromium did not finish within 90 s.");
        }

        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"chromium exited {p.ExitCode}: {stderr.Result[..Math.Min(2000, stderr.Result.Length)]}");
        return stdout.Result;
    }
}

/// <summary>A reader of the Prometheus text exposition format (0.0.4), strict about what the spec allows.</summary>
internal static class PrometheusText
{
    internal sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    private static readonly Regex NameRe = new("^[a-zA-Z_:][a-zA-Z0-9_:]*$");

    public static List<Sample> Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>();
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                Assert.Matches(NameRe, line.Split(' ')[2]);
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(types.TryAdd(parts[2], parts[3]), $"TYPE given twice for {parts[2]}");
                continue;
            }

            Assert.False(line.StartsWith('#'), line);
            var i = 0;
            while (i < line.Length && line[i] != '{' && line[i] != ' ')
            {
                i++;
            }

            var name = line[..i];
            Assert.Matches(NameRe, name);
            Assert.True(types.ContainsKey(name), $"sample {name} before its TYPE line");
            var labels = new Dictionary<string, string>();
            if (line[i] == '{')
            {
                i++;
                while (line[i] != '}')
                {
                    var eq = line.IndexOf('=', i);
                    var label = line[i..eq];
                    Assert.Matches(new Regex("^[a-zA-Z_][a-zA-Z0-9_]*$"), label);
                    Assert.Equal('"', line[eq + 1]);
                    var sb = new System.Text.StringBuilder();
                    var j = eq + 2;
                    while (line[j] != '"')
                    {
                        if (line[j] == '\\')
                        {
                            j++;
                            sb.Append(line[j] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new FormatException($"bad escape \\{line[j]}") });
                        }
                        else
                        {
                            sb.Append(line[j]);
                        }

                        j++;
                    }

                    labels[label] = sb.ToString();
                    i = j + 1;
                    if (line[i] == ',')
                    {
                        i++;
                    }
                }

                i++;
            }

            Assert.Equal(' ', line[i]);
            var value = double.Parse(line[(i + 1)..].Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            samples.Add(new Sample(name, labels, value));
        }

        return samples;
    }
}
