using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using Outage.Tools.Core;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Cli;

/// <summary><c>outage queue …</c>: the CLI side of the queue cmdlets (Get-MailQueue, Get-MailQueueMessage, Measure-, Watch-, Export-, Suspend-, Resume-, Remove-MailQueueMessage).</summary>
public static class QueueCommands
{
    private sealed class SourceOptions
    {
        public Option<bool> Postfix { get; } = new("--postfix") { Description = "Read the live Postfix queue (postqueue -j); the default." };

        public Option<string?> ConfigDir { get; } = new("--config-dir") { Description = "Postfix configuration directory (postqueue -c DIR)." };

        public Option<string?> PostqueueJson { get; } = new("--postqueue-json") { Description = "A saved 'postqueue -j' file." };

        public Option<bool> Exim { get; } = new("--exim") { Description = "Read the live Exim queue (exim -bpr)." };

        public Option<string?> EximPath { get; } = new("--exim-path") { Description = "The exim binary (default exim, then exim4)." };

        public Option<string?> EximConfig { get; } = new("--exim-config") { Description = "Exim configuration file (exim -C FILE)." };

        public Option<string?> EximBp { get; } = new("--exim-bp") { Description = "A saved 'exim -bp' listing." };

        public Option<string?> Spool { get; } = new("--spool") { Description = "A folder of .eml files." };

        public Option<string?> ExchangeCsv { get; } = new("--exchange-csv") { Description = "Export-Csv of Exchange Get-Message or Get-Queue objects." };

        public Option<string?> ExchangeClixml { get; } = new("--exchange-clixml") { Description = "Export-Clixml of Exchange Get-Message or Get-Queue objects." };

        public IEnumerable<Option> All => new Option[] { Postfix, ConfigDir, PostqueueJson, Exim, EximPath, EximConfig, EximBp, Spool, ExchangeCsv, ExchangeClixml };

        public QueueSourceOptions Read(ParseResult p)
        {
            var chosen = new List<QueueSourceOptions>();
            if (p.GetValue(PostqueueJson) is { } pj)
            {
                chosen.Add(new QueueSourceOptions { Kind = QueueSourceKind.PostqueueJson, Path = pj });
            }

            if (p.GetValue(EximBp) is { } bp)
            {
                chosen.Add(new QueueSourceOptions { Kind = QueueSourceKind.EximListing, Path = bp });
            }

            if (p.GetValue(Spool) is { } sp)
            {
                chosen.Add(new QueueSourceOptions { Kind = QueueSourceKind.Spool, Path = sp });
            }

            if (p.GetValue(ExchangeCsv) is { } csv)
            {
                chosen.Add(new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = csv });
            }

            if (p.GetValue(ExchangeClixml) is { } xml)
            {
                chosen.Add(new QueueSourceOptions { Kind = QueueSourceKind.Exchange, Path = xml, Clixml = true });
            }

            if (p.GetValue(Exim) || p.GetValue(EximPath) is not null || p.GetValue(EximConfig) is not null)
            {
                chosen.Add(new QueueSourceOptions { Kind = QueueSourceKind.Exim, EximPath = p.GetValue(EximPath), EximConfig = p.GetValue(EximConfig) });
            }

            if (p.GetValue(Postfix) || p.GetValue(ConfigDir) is not null)
            {
                chosen.Add(new QueueSourceOptions { Kind = QueueSourceKind.Postfix, ConfigDirectory = p.GetValue(ConfigDir) });
            }

            if (chosen.Count > 1)
            {
                throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, "Give one queue source option.", null,
                    "Use one of --postfix [--config-dir DIR], --postqueue-json FILE, --exim [--exim-path P] [--exim-config C], --exim-bp FILE, --spool DIR, --exchange-csv FILE, --exchange-clixml FILE.");
            }

            return chosen.Count == 1 ? chosen[0] : new QueueSourceOptions { Kind = QueueSourceKind.Postfix };
        }
    }

    private sealed class FilterOptions
    {
        public Option<string[]> Queue { get; } = new("--queue") { Description = "Queue names or states, wildcards (deferred, hold, Frozen...).", AllowMultipleArgumentsPerToken = true };

        public Option<string[]> Domain { get; } = new("--domain") { Description = "Recipient domains, wildcards.", AllowMultipleArgumentsPerToken = true };

        public Option<string[]> Sender { get; } = new("--sender") { Description = "Sender addresses, wildcards.", AllowMultipleArgumentsPerToken = true };

        public Option<string[]> Reason { get; } = new("--reason") { Description = "Delay reasons / last errors, wildcards.", AllowMultipleArgumentsPerToken = true };

        public Option<string?> OlderThan { get; } = new("--older-than") { Description = "Only messages older than this (30m, 2h, 1d, hh:mm:ss)." };

        public Option<int> First { get; } = new("--first") { Description = "At most this many messages." };

        public IEnumerable<Option> All => new Option[] { Queue, Domain, Sender, Reason, OlderThan, First };

        public QueueMessageFilter Read(ParseResult p)
        {
            var f = new QueueMessageFilter { First = Math.Max(0, p.GetValue(First)) };
            foreach (var x in p.GetValue(Queue) ?? Array.Empty<string>())
            {
                f.Queue.Add(x);
            }

            foreach (var x in p.GetValue(Domain) ?? Array.Empty<string>())
            {
                f.Domain.Add(x);
            }

            foreach (var x in p.GetValue(Sender) ?? Array.Empty<string>())
            {
                f.Sender.Add(x);
            }

            foreach (var x in p.GetValue(Reason) ?? Array.Empty<string>())
            {
                f.Reason.Add(x);
            }

            if (p.GetValue(OlderThan) is { } older)
            {
                f.OlderThan = QueueMessageFilter.ParseDuration(older, "--older-than");
            }

            return f;
        }
    }

    public static Command Create(CliIO io)
    {
        var queue = new Command("queue", "Mail queue inspection: Postfix, Exim, Exchange exports, spool folders.");
        queue.Subcommands.Add(List(io));
        queue.Subcommands.Add(Messages(io));
        queue.Subcommands.Add(Shape(io));
        queue.Subcommands.Add(Watch(io));
        queue.Subcommands.Add(Export(io));
        queue.Subcommands.Add(Action(io, "hold", QueueAction.Hold, "Hold the named messages (postsuper -h, exim -Mf)."));
        queue.Subcommands.Add(Action(io, "release", QueueAction.Release, "Release the named messages (postsuper -H, exim -Mt)."));
        queue.Subcommands.Add(Action(io, "delete", QueueAction.Delete, "Delete the named messages (postsuper -d, exim -Mrm)."));
        return queue;
    }

    private static Command New(string name, string description, IEnumerable<Option> options)
    {
        var c = new Command(name, description);
        foreach (var o in options)
        {
            c.Options.Add(o);
        }

        return c;
    }

    private static Command List(CliIO io)
    {
        var source = new SourceOptions();
        var format = CliIO.FormatOption();
        var c = New("list", "One summary per queue: counts, bytes, oldest age, states, top destinations and reasons (like Get-MailQueue).", source.All.Append(format));
        c.SetAction(p => io.Write(() =>
        {
            var s = source.Read(p);
            return s.Kind == QueueSourceKind.Exchange && QueueSource.IsExchangeQueueFile(s)
                ? QueueSource.ReadExchangeQueues(s)
                : QueueOperations.Summarize(QueueSource.ReadMessages(s));
        }, p.GetValue(format), SummaryTable));
        return c;
    }

    private static Command Messages(CliIO io)
    {
        var source = new SourceOptions();
        var filter = new FilterOptions();
        var format = CliIO.FormatOption();
        var c = New("messages", "The queued messages, filtered (like Get-MailQueueMessage).", source.All.Concat(filter.All).Append(format));
        c.SetAction(p => io.Write(() => QueueOperations.GetMessages(QueueSource.ReadMessages(source.Read(p)), filter.Read(p)), p.GetValue(format), MessageTable));
        return c;
    }

    private static Command Shape(CliIO io)
    {
        var source = new SourceOptions();
        var groupBy = new Option<QueueShapeGroupBy>("--group-by") { Description = "RecipientDomain (default), SenderDomain, Reason, Queue, NextHop.", DefaultValueFactory = _ => QueueShapeGroupBy.RecipientDomain };
        var queues = new Option<string[]>("--queue") { Description = "Only these queues (qshape's queue arguments); default every queue.", AllowMultipleArgumentsPerToken = true };
        var minutes = new Option<int>("--bucket-minutes", "-t") { Description = "First bucket's upper age in minutes (qshape -t).", DefaultValueFactory = _ => 5 };
        var count = new Option<int>("--bucket-count", "-b") { Description = "Number of buckets (qshape -b).", DefaultValueFactory = _ => 10 };
        var linear = new Option<bool>("--linear", "-l") { Description = "Linear buckets (qshape -l)." };
        var format = CliIO.FormatOption();
        var c = New("shape", "The qshape matrix: recipients by destination and age bucket, with a TOTAL row (like Measure-MailQueue).",
            source.All.Concat(new Option[] { groupBy, queues, minutes, count, linear, format }));
        c.SetAction(p =>
        {
            var options = new QueueShapeOptions { GroupBy = p.GetValue(groupBy), BucketMinutes = p.GetValue(minutes), BucketCount = p.GetValue(count), Linear = p.GetValue(linear) };
            var labels = QueueOperations.Labels(options);
            var table = new List<TableColumn<QueueShapeRow>> { new(string.Empty, 30, r => r.Name), new("T", 7, r => r.Total) };
            for (var i = 0; i < labels.Count; i++)
            {
                var index = i;
                table.Add(new TableColumn<QueueShapeRow>(labels[i], Math.Max(5, labels[i].Length), r => r.Buckets[index]));
            }

            return io.Write(() =>
            {
                var f = new QueueMessageFilter();
                foreach (var q in p.GetValue(queues) ?? Array.Empty<string>())
                {
                    f.Queue.Add(q);
                }

                return QueueOperations.Shape(QueueOperations.GetMessages(QueueSource.ReadMessages(source.Read(p)), f), options);
            }, p.GetValue(format), table);
        });
        return c;
    }

    private static Command Watch(CliIO io)
    {
        var source = new SourceOptions();
        var interval = new Option<string>("--interval") { Description = "Time between samples (60s, 5m, hh:mm:ss).", DefaultValueFactory = _ => "60s" };
        var count = new Option<int?>("--count") { Description = "Number of samples (default 1 unless --duration)." };
        var duration = new Option<string?>("--duration") { Description = "Keep sampling for this long." };
        var history = new Option<string?>("--history") { Description = "JSON Lines history file: read for the previous sample, appended." };
        var queues = new Option<string[]>("--queue") { Description = "Only these queues, wildcards.", AllowMultipleArgumentsPerToken = true };
        var format = CliIO.FormatOption();
        var c = New("watch", "Sample the queue: count, delta, rate per minute, trend, time to drain (like Watch-MailQueue).",
            source.All.Concat(new Option[] { interval, count, duration, history, queues, format }));
        c.SetAction(p => io.Write(() =>
        {
            var options = new QueueWatchOptions
            {
                Interval = Duration.Parse(p.GetValue(interval)!, "--interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), ErrorIds.QueueWatchIntervalInvalid),
                Count = p.GetValue(count),
                Duration = p.GetValue(duration) is { } d ? Duration.Parse(d, "--duration", TimeSpan.FromSeconds(1), TimeSpan.FromDays(366), ErrorIds.QueueWatchDurationInvalid) : null,
                HistoryPath = p.GetValue(history),
            };
            foreach (var q in p.GetValue(queues) ?? Array.Empty<string>())
            {
                options.Filter.Queue.Add(q);
            }

            var s = source.Read(p);
            return QueueWatch.Run(() => QueueSource.ReadMessages(s), options);
        }, p.GetValue(format), SampleTable, s => s.Trend == QueueTrend.Growing));
        return c;
    }

    private static Argument<string[]> Ids() => new("id") { Description = "Queue ids of the messages (as listed by 'outage queue messages').", Arity = ArgumentArity.ZeroOrMore };

    /// <summary>The messages named by id (and/or the filter) from the source; a named id that is not queued is an error.</summary>
    private static IEnumerable<Outcome<QueueMessage>> Select(QueueSourceOptions source, QueueMessageFilter filter, string[] ids)
    {
        if (ids.Length == 0 && filter.Queue.Count + filter.Domain.Count + filter.Sender.Count + filter.Reason.Count == 0 && filter.OlderThan is null)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, "Name the messages: give queue ids or at least one filter.", null,
                "For example: outage queue hold 4BFC3B2029F, or --domain contoso.com --queue deferred.");
        }

        var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in QueueOperations.GetMessages(QueueSource.ReadMessages(source), filter))
        {
            if (o.Kind == OutcomeKind.Result && wanted.Count > 0 && !wanted.Contains(o.Value!.Id))
            {
                continue;
            }

            if (o.Kind == OutcomeKind.Result)
            {
                seen.Add(o.Value!.Id);
            }

            yield return o;
        }

        foreach (var id in wanted.Where(i => !seen.Contains(i)))
        {
            yield return Outcome<QueueMessage>.Failure(new ItemError(ErrorIds.QueueMessageNotFound, OutageErrorCategory.ObjectNotFound,
                $"There is no queued message with the id '{id}' (matching the filters).", id, "List the queue with 'outage queue messages'."));
        }
    }

    private static IEnumerable<Outcome<T>> Split<T>(IEnumerable<Outcome<QueueMessage>> outcomes, List<QueueMessage> into)
    {
        foreach (var o in outcomes)
        {
            if (o.Kind == OutcomeKind.Result)
            {
                into.Add(o.Value!);
            }
            else if (o.Kind == OutcomeKind.Error)
            {
                yield return Outcome<T>.Failure(o.Error!);
            }
            else if (o.Kind == OutcomeKind.Warning)
            {
                yield return Outcome<T>.Warn(o.Text!);
            }
        }
    }

    private static Command Action(CliIO io, string name, QueueAction action, string description)
    {
        var source = new SourceOptions();
        var filter = new FilterOptions();
        var ids = Ids();
        var dryRun = new Option<bool>("--what-if") { Description = "List the messages that would be affected; change nothing." };
        var format = CliIO.FormatOption();
        var c = New(name, description, source.All.Concat(filter.All).Concat(new Option[] { dryRun, format }));
        c.Arguments.Add(ids);
        c.SetAction(p => io.Write(() => Run(source.Read(p), filter.Read(p), p.GetValue(ids) ?? Array.Empty<string>(), p.GetValue(dryRun)), p.GetValue(format), ActionTable));
        return c;

        IEnumerable<Outcome<QueueActionResult>> Run(QueueSourceOptions s, QueueMessageFilter f, string[] idList, bool whatIf)
        {
            var chosen = new List<QueueMessage>();
            foreach (var o in Split<QueueActionResult>(Select(s, f, idList), chosen))
            {
                yield return o;
            }

            if (whatIf)
            {
                foreach (var m in chosen)
                {
                    yield return Outcome<QueueActionResult>.Success(QueueActionResult.WhatIf(m, action));
                }

                yield break;
            }

            foreach (var o in QueueActions.Apply(chosen, action))
            {
                yield return o;
            }
        }
    }

    private static Command Export(CliIO io)
    {
        var source = new SourceOptions();
        var filter = new FilterOptions();
        var ids = Ids();
        var dest = new Option<string>("--destination", "-d") { Description = "Folder for the .eml files.", Required = true };
        var byMessageId = new Option<bool>("--name-by-message-id") { Description = "Name files by Message-ID instead of queue id." };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var format = CliIO.FormatOption();
        var c = New("export", "Write messages' exact RFC 5322 bytes to .eml files (like Export-MailQueueMessage).",
            source.All.Concat(filter.All).Concat(new Option[] { dest, byMessageId, force, format }));
        c.Arguments.Add(ids);
        c.SetAction(p => io.Write(() => Run(source.Read(p), filter.Read(p), p.GetValue(ids) ?? Array.Empty<string>(), p.GetValue(dest)!,
            p.GetValue(byMessageId) ? QueueExportName.MessageId : QueueExportName.QueueId, p.GetValue(force)), p.GetValue(format), ExportTable));
        return c;

        static IEnumerable<Outcome<QueueExportResult>> Run(QueueSourceOptions s, QueueMessageFilter f, string[] idList, string folder, QueueExportName naming, bool overwrite)
        {
            var chosen = new List<QueueMessage>();
            foreach (var o in Split<QueueExportResult>(Select(s, f, idList), chosen))
            {
                yield return o;
            }

            foreach (var o in QueueActions.Export(chosen, folder, naming, overwrite))
            {
                yield return o;
            }
        }
    }

    private static readonly TableColumn<MailQueueSummary>[] SummaryTable =
    {
        new("ComputerName", 16, q => q.ComputerName),
        new("Queue", 20, q => q.Queue),
        new("Messages", 9, q => q.MessageCount),
        new("Recipients", 10, q => q.RecipientCount),
        new("Bytes", 10, q => q.Bytes),
        new("OldestAge", 12, q => q.OldestAge),
        new("TopDestinations", 40, q => string.Join(", ", q.TopDestinations)),
        new("TopReason", 0, q => q.TopReasons.FirstOrDefault()),
    };

    private static readonly TableColumn<QueueMessage>[] MessageTable =
    {
        new("Id", 16, m => m.Id),
        new("Queue", 9, m => m.Queue),
        new("State", 9, m => m.State),
        new("Age", 12, m => m.Age),
        new("Size", 8, m => m.Size),
        new("Sender", 28, m => m.Sender),
        new("Recipients", 36, m => string.Join(", ", m.Recipients.Take(3).Select(r => r.Address))),
        new("LastError", 0, m => m.LastError),
    };

    private static readonly TableColumn<QueueSample>[] SampleTable =
    {
        new("Time", 26, s => s.Time),
        new("Count", 8, s => s.Count),
        new("Delta", 7, s => s.Delta),
        new("PerMinute", 9, s => s.RatePerMinute),
        new("Trend", 9, s => s.Trend),
        new("EstimatedDrain", 14, s => s.EstimatedDrain),
        new("OldestAge", 0, s => s.OldestAge),
    };

    private static readonly TableColumn<QueueActionResult>[] ActionTable =
    {
        new("Id", 18, r => r.Id),
        new("Queue", 10, r => r.Queue),
        new("Action", 8, r => r.Action),
        new("State", 10, r => r.State),
        new("Note", 0, r => r.Note),
    };

    private static readonly TableColumn<QueueExportResult>[] ExportTable =
    {
        new("Id", 18, r => r.Id),
        new("Length", 10, r => r.Length),
        new("Path", 0, r => r.Path),
    };
}
