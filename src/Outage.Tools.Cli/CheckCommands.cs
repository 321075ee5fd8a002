using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Outage.Tools.Core;
using Outage.Tools.Core.Checks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Reporting;

namespace Outage.Tools.Cli;

/// <summary><c>outage check</c> and <c>outage report</c>: the CLI side of Invoke-OutageCheck and Export-OutageReport.</summary>
public static class CheckCommands
{
    public static IEnumerable<Command> Create(CliIO io)
    {
        yield return Check(io);
        yield return Report(io);
    }

    private static Command Check(CliIO io)
    {
        var config = new Option<FileInfo?>("--config", "-c") { Description = "A .psd1 or .json configuration (see samples/outage-check.psd1)." };
        var domains = new Option<string[]>("--domain") { Description = "Mail domain for the DNS checks (repeatable).", AllowMultipleArgumentsPerToken = true };
        var owa = new Option<string[]>("--owa-uri") { Description = "OWA URL (repeatable)." };
        var smtp = new Option<string[]>("--smtp-host") { Description = "SMTP host[:port] (repeatable)." };
        var queues = new Option<string[]>("--queue") { Description = "Queue source KIND:PATH, e.g. postqueue-json:queue.jsonl, spool:DIR, postfix:CONFIG_DIR (repeatable)." };
        var messages = new Option<string[]>("--message-path") { Description = "Folder or file of messages to lint (repeatable)." };
        var dns = new Option<string[]>("--dns-server") { Description = "DNS server host[:port] (repeatable)." };
        var history = new Option<FileInfo?>("--history") { Description = "JSON Lines file every run appends to; results say since when their status holds." };
        var report = new Option<FileInfo?>("--report") { Description = "Also write an HTML report of this run (and the history) to this file (replaced if it exists)." };
        var throttle = new Option<int>("--throttle-limit") { Description = "Checks run at once.", DefaultValueFactory = _ => 8 };
        var format = CliIO.FormatOption();
        var command = new Command("check", "Run the queue, MIME, DNS and endpoint checks; exit 1 when any check fails (like Invoke-OutageCheck).")
        {
            config, domains, owa, smtp, queues, messages, dns, history, report, throttle, format,
        };
        command.SetAction(parse =>
        {
            OutageCheckConfiguration configuration;
            try
            {
                var file = parse.GetValue(config);
                configuration = file is not null ? OutageCheckConfiguration.Load(file.FullName) : new OutageCheckConfiguration();
                configuration.Domains.AddRange(parse.GetValue(domains) ?? Array.Empty<string>());
                configuration.OwaUris.AddRange(parse.GetValue(owa) ?? Array.Empty<string>());
                configuration.SmtpHosts.AddRange(parse.GetValue(smtp) ?? Array.Empty<string>());
                configuration.MessagePaths.AddRange((parse.GetValue(messages) ?? Array.Empty<string>()).Select(Path.GetFullPath));
                configuration.DnsServers.AddRange(parse.GetValue(dns) ?? Array.Empty<string>());
                foreach (var q in parse.GetValue(queues) ?? Array.Empty<string>())
                {
                    configuration.Queues.Add(QueueSpec.Parse(q, Path.GetFullPath));
                }

                if (parse.GetValue(history) is FileInfo h)
                {
                    configuration.HistoryPath = h.FullName;
                }
            }
            catch (OutageException ex)
            {
                io.WriteError(ex.Error);
                return ExitCodes.Error;
            }
            catch (FormatException ex)
            {
                io.WriteError(new ItemError(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, ex.Message, null));
                return ExitCodes.Error;
            }

            var results = new List<OutageCheckResult>();
            var request = new OutageCheckRequest(configuration, OutageCheckProviders.Default()) { ThrottleLimit = parse.GetValue(throttle) };
            var code = io.Write(() => Collect(OutageCheckRunner.Run(request, null, default), results), parse.GetValue(format), Table,
                r => r.Status is CheckStatus.Fail or CheckStatus.Error);
            // The probable causes of this run: after the table for people; on stderr beside JSON Lines, which stay check results only.
            var causes = ProbableCauseRules.Derive(results);
            var causeOut = parse.GetValue(format) == OutputFormat.Table ? io.Out : io.Err;
            foreach (var c in causes)
            {
                causeOut.WriteLine($"{(causeOut == io.Err ? "outage: " : string.Empty)}Probable cause ({c.Layer}): {c.Statement}");
                causeOut.WriteLine($"{(causeOut == io.Err ? "outage: " : string.Empty)}  rests on: {string.Join("; ", c.RestsOn)}");
            }

            causeOut.Flush();
            if (parse.GetValue(report) is FileInfo reportFile && results.Count > 0)
            {
                var all = configuration.HistoryPath is null ? results : new OutageHistory(configuration.HistoryPath).Read().ToList();
                try
                {
                    ReportWriter.WriteFile(reportFile.FullName, ReportWriter.Render(new OutageReport(all), ReportFormat.Html), force: true);
                    io.Err.WriteLine($"outage: report written to {reportFile.FullName}");
                }
                catch (OutageException ex)
                {
                    io.WriteError(ex.Error);
                    return ExitCodes.Error;
                }
            }

            return code;
        });
        return command;
    }

    private static IEnumerable<Outcome<OutageCheckResult>> Collect(IEnumerable<Outcome<OutageCheckResult>> outcomes, List<OutageCheckResult> into)
    {
        foreach (var o in outcomes)
        {
            if (o.Kind == OutcomeKind.Result)
            {
                into.Add(o.Value!);
            }

            yield return o;
        }
    }

    private static Command Report(CliIO io)
    {
        var input = new Option<FileInfo[]>("--input", "-i")
        {
            Description = "JSON Lines of check results: 'outage check --format json' output or a history file (repeatable).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var format = new Option<ReportFormat>("--format", "-f") { Description = "html, markdown, json or prometheus.", DefaultValueFactory = _ => ReportFormat.Html };
        var output = new Option<FileInfo>("--out", "-o") { Description = "The report file.", Required = true };
        var title = new Option<string>("--title") { Description = "The report's title.", DefaultValueFactory = _ => "Mail outage report" };
        var force = new Option<bool>("--force") { Description = "Replace the report file if it exists." };
        var command = new Command("report", "Write check results as an HTML dashboard, Markdown, JSON or Prometheus text (like Export-OutageReport).")
        {
            input, format, output, title, force,
        };
        command.SetAction(parse =>
        {
            var results = new List<OutageCheckResult>();
            var failed = false;
            var unreadable = false;
            foreach (var file in parse.GetValue(input)!)
            {
                if (!file.Exists)
                {
                    io.WriteError(new ItemError(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound, $"The input file '{file.FullName}' does not exist.", file.FullName));
                    unreadable = true;
                    continue;
                }

                if (!FileScan.IsReadableInput(file.FullName, out var kind))
                {
                    io.WriteError(new ItemError(ErrorIds.ReportInputInvalid, OutageErrorCategory.InvalidArgument,
                        $"The input '{file.FullName}' is {kind}, not a results file; it was not read.", file.FullName,
                        "Give a results file (or pipe results in with --input /dev/stdin)."));
                    unreadable = true;
                    continue;
                }

                try
                {
                    // Bounded: no line over 1 Mi characters is kept, and a pipe or device (/dev/zero) is read at most 256 Mi characters.
                    using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    var reader = BoundedLineReader.For(stream, OutageHistory.MaxLineLength);
                    string? text;
                    while ((text = reader.ReadLine()) is not null)
                    {
                        if (string.IsNullOrWhiteSpace(text) && !reader.LastLineTooLong)
                        {
                            continue;
                        }

                        string? problem = null;
                        var result = reader.LastLineTooLong ? null : OutageHistory.TryParse(text, out problem);
                        if (result is null)
                        {
                            problem = reader.LastLineTooLong ? $"it is longer than {OutageHistory.MaxLineLength} characters" : problem ?? "it is not a check result";
                            io.WriteError(new ItemError(ErrorIds.ReportInputInvalid, OutageErrorCategory.InvalidData,
                                $"{file.FullName} line {reader.LineNumber} is not a check result: {problem}.", $"{file.FullName}:{reader.LineNumber}",
                                "Give the output of 'outage check --format json' or a history file; the other lines were read."));
                            failed = true;
                            continue;
                        }

                        results.Add(result);
                    }

                    if (reader.LimitReached)
                    {
                        io.WriteError(new ItemError(ErrorIds.ReportInputInvalid, OutageErrorCategory.LimitsExceeded,
                            $"{file.FullName} gave more than a results file holds (a device, a pipe, or a file that grew while it was read); the rest was not read.",
                            file.FullName, "Give a results file, not a device."));
                        unreadable = true;
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    io.WriteError(new ItemError(ErrorIds.ReportInputInvalid, OutageErrorCategory.ReadError,
                        $"The input file '{file.FullName}' cannot be read: {ex.Message}", file.FullName));
                    unreadable = true;
                }
            }

            if (unreadable)
            {
                // The report is written only when every input was read: a missing input must not replace a good report with an empty one.
                io.Err.WriteLine("outage: the report was not written because an input could not be read.");
                return ExitCodes.Error;
            }

            try
            {
                var outFile = parse.GetValue(output)!;
                ReportWriter.WriteFile(outFile.FullName, ReportWriter.Render(new OutageReport(results, title: parse.GetValue(title)!), parse.GetValue(format)), parse.GetValue(force));
                io.Out.WriteLine(outFile.FullName);
            }
            catch (OutageException ex)
            {
                io.WriteError(ex.Error);
                return ExitCodes.Error;
            }

            return failed ? ExitCodes.Error : ExitCodes.Ok;
        });
        return command;
    }

    private static readonly TableColumn<OutageCheckResult>[] Table =
    {
        new("Status", 6, r => r.Status),
        new("Area", 8, r => r.Area),
        new("Target", 30, r => r.Target),
        new("Check", 22, r => r.Check),
        new("Since", 20, r => r.Since.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)),
        new("Summary", 0, r => r.Summary),
    };
}
