using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using Outage.Tools.Core;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Queue;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Cli;

/// <summary><c>outage mime …</c>: the CLI side of Test-MimeMessage, Get-MimeStructure and Get-MimeRule.</summary>
public static class MimeCommands
{
    public static Command Create(CliIO io)
    {
        var mime = new Command("mime", "MIME malformation checks: find poison messages, show part trees, list the rules.");
        mime.Subcommands.Add(Lint(io));
        mime.Subcommands.Add(Tree(io));
        mime.Subcommands.Add(Rules(io));
        mime.Subcommands.Add(Hops(io));
        mime.Subcommands.Add(Headers(io));
        return mime;
    }

    private static Command Lint(CliIO io)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Message files, mbox files (with --mbox) or folders (or none, with --postfix / --exim).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var postfix = new Option<bool>("--postfix") { Description = "Lint every message of the live Postfix queue (its queue files; postcat as the fallback)." };
        var configDir = new Option<string?>("--config-dir") { Description = "Postfix configuration directory (postqueue -c DIR); implies --postfix." };
        var exim = new Option<bool>("--exim") { Description = "Lint every message of the live Exim queue (its -H/-D spool files; exim -Mvh/-Mvb as the fallback)." };
        var eximPath = new Option<string?>("--exim-path") { Description = "The exim binary (default exim, then exim4); implies --exim." };
        var eximConfig = new Option<string?>("--exim-config") { Description = "Exim configuration file (exim -C FILE); implies --exim." };
        var recurse = new Option<bool>("--recurse", "-r") { Description = "Check the files of sub-folders too." };
        var mbox = new Option<bool>("--mbox") { Description = "Each file is an mbox: one report per message." };
        var rule = new Option<string[]>("--rule") { Description = "Only these rule ids (wildcards allowed); repeatable.", AllowMultipleArgumentsPerToken = false };
        var exclude = new Option<string[]>("--exclude-rule") { Description = "Never these rule ids (wildcards allowed); repeatable." };
        var minimum = new Option<MimeSeverity>("--minimum-severity")
        {
            Description = "Only findings of at least this severity (Info, Warning, Error).",
            DefaultValueFactory = _ => MimeSeverity.Info,
        };
        var throttle = new Option<int>("--throttle-limit")
        {
            Description = "Files checked in parallel (default: the number of processors).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var profile = new Option<string>("--profile")
        {
            Description = "Which rules make a message poison: Calibrated (default), Strict (every Error rule), or a profile file of 'rule = Poison|Conditional|Nonconforming' lines.",
            DefaultValueFactory = _ => "Calibrated",
        };
        var format = CliIO.FormatOption();
        var command = new Command("lint", "Check messages for MIME and RFC 5322 malformations (like Test-MimeMessage). Exit code 1 when any message is poison (its verdict; see --profile).")
        {
            paths, recurse, mbox, rule, exclude, minimum, throttle, profile, format, postfix, configDir, exim, eximPath, eximConfig,
        };
        command.SetAction(parse =>
        {
            var request = new MimeLintRequest
            {
                Recurse = parse.GetValue(recurse),
                Mbox = parse.GetValue(mbox),
                MinimumSeverity = parse.GetValue(minimum),
                ThrottleLimit = parse.GetValue(throttle),
            };
            foreach (var p in parse.GetValue(paths) ?? Array.Empty<string>())
            {
                request.Inputs.Add(MimeInput.FromPath(p));
            }

            var queues = new List<QueueSourceOptions>();
            if (parse.GetValue(postfix) || parse.GetValue(configDir) is not null)
            {
                queues.Add(new QueueSourceOptions { Kind = QueueSourceKind.Postfix, ConfigDirectory = parse.GetValue(configDir) });
            }

            if (parse.GetValue(exim) || parse.GetValue(eximPath) is not null || parse.GetValue(eximConfig) is not null)
            {
                queues.Add(new QueueSourceOptions { Kind = QueueSourceKind.Exim, EximPath = parse.GetValue(eximPath), EximConfig = parse.GetValue(eximConfig) });
            }

            if (request.Inputs.Count == 0 && queues.Count == 0)
            {
                throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, "Nothing to lint: give message paths, --postfix or --exim.", null,
                    "Give files or folders, or --postfix [--config-dir DIR] / --exim [--exim-config FILE] to lint a live queue.");
            }

            foreach (var r in parse.GetValue(rule) ?? Array.Empty<string>())
            {
                request.Rules.Add(r);
            }

            foreach (var r in parse.GetValue(exclude) ?? Array.Empty<string>())
            {
                request.ExcludeRules.Add(r);
            }

            return io.Write(() =>
            {
                // An unusable profile is an OutageException here, which CliIO reports with exit code 2.
                request.Options.Profile = MimeProfile.Load(parse.GetValue(profile)!);
                return LiveQueueLint.Run(request, queues).Select(ToJson);
            }, parse.GetValue(format), LintTable, r => r.Poison);
        });
        return command;
    }

    /// <summary>The JSON Lines shape the issue fixes: exactly these names.</summary>
    public sealed record LintLine(string Path, long Size, MimeVerdict Verdict, bool Poison, bool WellFormed, int ErrorCount, int WarningCount,
        IReadOnlyList<FindingLine> Findings);

    public sealed record FindingLine(string Rule, MimeSeverity Severity, bool Poison, long Offset, long Line, string Part, string? Header, string Message,
        string Reference);

    private static Outcome<LintLine> ToJson(Outcome<MimeMessageReport> o)
    {
        if (o.Kind != OutcomeKind.Result)
        {
            return o.Kind == OutcomeKind.Error ? Outcome<LintLine>.Failure(o.Error!) : Outcome<LintLine>.Warn(o.Text ?? string.Empty);
        }

        var r = o.Value!;
        var path = r.MessageIndex > 1 || r.StartOffset > 0 ? $"{r.Path}#{r.MessageIndex}" : r.Path;
        return Outcome<LintLine>.Success(new LintLine(path, r.Size, r.Verdict, r.Poison, r.WellFormed, r.ErrorCount, r.WarningCount,
            r.Findings.Select(f => new FindingLine(f.Rule, f.Severity, f.Poison, f.Offset, f.Line, f.Part, f.Header, f.Message, f.Reference)).ToList()));
    }

    private static readonly TableColumn<LintLine>[] LintTable =
    {
        new("Verdict", 13, r => r.Verdict),
        new("WellFormed", 10, r => r.WellFormed),
        new("Errors", 6, r => r.ErrorCount),
        new("Warnings", 8, r => r.WarningCount),
        new("Size", 10, r => r.Size),
        new("Path", 40, r => r.Path),
        new("Rules", 0, r => string.Join(",", r.Findings.Select(f => f.Rule).Distinct())),
    };

    private static Command Tree(CliIO io)
    {
        var path = new Argument<string>("path") { Description = "The message file." };
        var format = CliIO.FormatOption();
        var command = new Command("tree", "Show the MIME part tree of a message (like Get-MimeStructure).") { path, format };
        command.SetAction(parse =>
        {
            var request = new MimeStructureRequest();
            request.Inputs.Add(MimeInput.FromPath(parse.GetValue(path)!));
            return io.Write(() => MimeStructure.Run(request), parse.GetValue(format), TreeTable);
        });
        return command;
    }

    private static readonly TableColumn<MimePartInfo>[] TreeTable =
    {
        new("Part", 10, p => new string(' ', Math.Min(p.Depth, 20) * 2) + p.Part),
        new("ContentType", 30, p => p.ContentType),
        new("Charset", 10, p => p.Charset),
        new("Encoding", 16, p => p.TransferEncoding),
        new("Disposition", 11, p => p.Disposition),
        new("HeaderOffset", 12, p => p.HeaderOffset),
        new("BodyOffset", 10, p => p.BodyOffset),
        new("BodySize", 10, p => p.BodySize),
        new("Lines", 7, p => p.LineCount),
        new("FileName", 0, p => p.FileName),
    };

    private static Command Hops(CliIO io)
    {
        var paths = new Argument<string[]>("path") { Description = "Message files.", Arity = ArgumentArity.OneOrMore };
        var format = CliIO.FormatOption();
        var command = new Command("hops", "The Received chain of messages, oldest hop first, with delays (like Get-MessageHop; `outage mime headers` adds the anti-spam and authentication verdicts).") { paths, format };
        command.SetAction(parse =>
        {
            var inputs = (parse.GetValue(paths) ?? Array.Empty<string>()).Select(MimeInput.FromPath).ToList();
            return io.Write(() => Outage.Tools.Core.Headers.MessageHops.Run(inputs), parse.GetValue(format), HopTable);
        });
        return command;
    }

    private static readonly TableColumn<Outage.Tools.Core.Headers.ReceivedHop>[] HopTable =
    {
        new("Hop", 3, h => h.Hop),
        new("Date", 25, h => h.Date?.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture) ?? "(no date)"),
        new("Delay", 8, h => h.Delay is { } d ? d.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "s" : null),
        new("Skew", 5, h => h.ClockSkew),
        new("From", 30, h => h.From),
        new("By", 30, h => h.By),
        new("With", 0, h => h.With),
    };

    private static Command Headers(CliIO io)
    {
        var paths = new Argument<string[]>("path") { Description = "Message files.", Arity = ArgumentArity.OneOrMore };
        var format = CliIO.FormatOption();
        var command = new Command("headers",
            "What Message Header Analyzer shows, per message: hops and delays, decoded X-Forefront-Antispam-Report / X-Microsoft-Antispam "
            + "fields (SCL, SFV, CAT, BCL...) and Authentication-Results per method (like Get-MessageHeaderReport; --format json has every field).")
        {
            paths, format,
        };
        command.SetAction(parse =>
        {
            var inputs = (parse.GetValue(paths) ?? Array.Empty<string>()).Select(MimeInput.FromPath).ToList();
            return io.Write(() => Outage.Tools.Core.Headers.MessageHeaderReports.Run(inputs), parse.GetValue(format), HeaderTable);
        });
        return command;
    }

    private static string? Seconds(TimeSpan? t) => t is { } d ? d.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "s" : null;

    private static readonly TableColumn<Outage.Tools.Core.Headers.MessageHeaderReport>[] HeaderTable =
    {
        new("Source", 24, r => System.IO.Path.GetFileName(r.Source)),
        new("Hops", 4, r => r.HopCount),
        new("Total", 8, r => Seconds(r.TotalDelay)),
        new("Longest", 8, r => Seconds(r.LongestDelay)),
        new("SCL", 3, r => r.Scl),
        new("SFV", 5, r => r.Sfv),
        new("CAT", 6, r => r.Cat),
        new("BCL", 3, r => r.Bcl),
        new("SPF", 9, r => r.Spf),
        new("DKIM", 9, r => r.Dkim),
        new("DMARC", 13, r => r.Dmarc),
        new("CompAuth", 0, r => r.CompAuthReason is null ? r.CompAuth : $"{r.CompAuth} ({r.CompAuthReason})"),
    };

    private static Command Rules(CliIO io)
    {
        var ids = new Argument<string[]>("id")
        {
            Description = "Rule ids or wildcard patterns (default: every rule).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var minimum = new Option<MimeSeverity>("--minimum-severity")
        {
            Description = "Only rules whose default severity is at least this (Info, Warning, Error).",
            DefaultValueFactory = _ => MimeSeverity.Info,
        };
        var format = CliIO.FormatOption();
        var command = new Command("rules", "List the rule catalogue: id, area, default severity, description, reference (like Get-MimeRule).")
        {
            ids, minimum, format,
        };
        command.SetAction(parse =>
        {
            var request = new MimeRuleRequest { MinimumSeverity = parse.GetValue(minimum) };
            foreach (var id in parse.GetValue(ids) ?? Array.Empty<string>())
            {
                request.Ids.Add(id);
            }

            return io.Write(() => MimeRuleQuery.Run(request), parse.GetValue(format), RuleTable);
        });
        return command;
    }

    private static readonly TableColumn<MimeRule>[] RuleTable =
    {
        new("Id", 28, r => r.Id),
        new("Area", 6, r => r.Area),
        new("Severity", 8, r => r.DefaultSeverity),
        new("Impact", 13, r => r.Impact),
        new("Reference", 30, r => r.Reference),
        new("Description", 0, r => r.Description),
    };
}
