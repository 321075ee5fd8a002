using System;
using System.CommandLine;
using System.Globalization;
using Outage.Tools.Core.Logs;

namespace Outage.Tools.Cli;

/// <summary><c>outage log …</c>: the CLI side of Get-MailLogEvent, Measure-MailLog and Measure-MessageDelay.</summary>
public static class LogCommands
{
    public static Command Create(CliIO io)
    {
        var log = new Command("log", "Mail logs: Postfix, Exim and Exchange message tracking logs as events and summaries.");
        log.Subcommands.Add(Events(io));
        log.Subcommands.Add(Summary(io));
        log.Subcommands.Add(Delay(io));
        return log;
    }

    private sealed class Filters
    {
        public Argument<string[]> Paths { get; } = new("path") { Description = "Log files (plain or .gz).", Arity = ArgumentArity.OneOrMore };

        public Option<MailLogFormat> Format { get; } = new("--log-format") { Description = "Auto (default), Postfix, Exim or ExchangeTracking." };

        public Option<DateTimeOffset?> Start { get; } = new("--start") { Description = "Only events at or after this time (ISO 8601)." };

        public Option<DateTimeOffset?> End { get; } = new("--end") { Description = "Only events before this time (ISO 8601)." };

        public Option<string[]> QueueId { get; } = new("--queue-id") { Description = "Only these queue ids; repeatable." };

        public Option<string[]> MessageId { get; } = new("--message-id") { Description = "Only these Message-IDs; repeatable." };

        public Option<string[]> SenderDomain { get; } = new("--sender-domain") { Description = "Only senders in these domains; repeatable." };

        public Option<string[]> RecipientDomain { get; } = new("--recipient-domain") { Description = "Only recipients in these domains; repeatable." };

        public Option<MailLogStatus[]> Status { get; } = new("--status") { Description = "Only these statuses (sent, deferred, bounced, expired, rejected, ...); repeatable." };

        public Option<int?> Year { get; } = new("--year") { Description = "The year of syslog dates (default: inferred from the file's time)." };

        public Option<string?> UtcOffset { get; } = new("--utc-offset") { Description = "UTC offset of zone-less timestamps, e.g. +02:00 (default: this computer's zone)." };

        public void AddTo(Command c)
        {
            c.Arguments.Add(Paths);
            foreach (var o in new Option[] { Format, Start, End, QueueId, MessageId, SenderDomain, RecipientDomain, Status, Year, UtcOffset })
            {
                c.Options.Add(o);
            }
        }

        public MailLogRequest Request(ParseResult parse)
        {
            var r = new MailLogRequest
            {
                Format = parse.GetValue(Format),
                Start = parse.GetValue(Start),
                End = parse.GetValue(End),
                Year = parse.GetValue(Year),
            };
            var offset = parse.GetValue(UtcOffset);
            if (offset is not null)
            {
                r.UtcOffset = TimeSpan.Parse(offset.TrimStart('+'), CultureInfo.InvariantCulture);
            }

            foreach (var p in parse.GetValue(Paths) ?? Array.Empty<string>())
            {
                r.Inputs.Add(MailLogInput.FromPath(p));
            }

            foreach (var v in parse.GetValue(QueueId) ?? Array.Empty<string>())
            {
                r.QueueId.Add(v);
            }

            foreach (var v in parse.GetValue(MessageId) ?? Array.Empty<string>())
            {
                r.MessageId.Add(v);
            }

            foreach (var v in parse.GetValue(SenderDomain) ?? Array.Empty<string>())
            {
                r.SenderDomain.Add(v);
            }

            foreach (var v in parse.GetValue(RecipientDomain) ?? Array.Empty<string>())
            {
                r.RecipientDomain.Add(v);
            }

            foreach (var v in parse.GetValue(Status) ?? Array.Empty<MailLogStatus>())
            {
                r.Status.Add(v);
            }

            return r;
        }
    }

    private static Command Events(CliIO io)
    {
        var filters = new Filters();
        var format = CliIO.FormatOption();
        var command = new Command("events", "Typed events from mail logs (like Get-MailLogEvent).") { format };
        filters.AddTo(command);
        command.SetAction(parse => io.Write(() => MailLog.Read(filters.Request(parse)), parse.GetValue(format), EventTable));
        return command;
    }

    private static readonly TableColumn<MailLogEvent>[] EventTable =
    {
        new("Time", 19, e => e.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
        new("Status", 9, e => e.Status),
        new("QueueId", 12, e => e.QueueId),
        new("Sender", 24, e => e.Sender),
        new("Recipient", 24, e => e.Recipient),
        new("Delay", 8, e => e.Delay?.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)),
        new("Reason", 0, e => e.Reason),
    };

    private static Command Summary(CliIO io)
    {
        var filters = new Filters();
        var by = new Option<MailLogGroupBy[]>("--by") { Description = "Sections: total (default), hour, recipientdomain, reason; repeatable." };
        var format = CliIO.FormatOption();
        var command = new Command("summary", "pflogsumm-like summary of mail logs (like Measure-MailLog).") { by, format };
        filters.AddTo(command);
        command.SetAction(parse =>
        {
            var options = new MailLogSummaryOptions();
            foreach (var g in parse.GetValue(by) ?? Array.Empty<MailLogGroupBy>())
            {
                options.GroupBy.Add(g);
            }

            var request = filters.Request(parse);
            return io.Write(() => MailLogSummary.Run(MailLog.Read(request), options), parse.GetValue(format), SummaryTable);
        });
        return command;
    }

    private static readonly TableColumn<MailLogSummaryRow>[] SummaryTable =
    {
        new("GroupBy", 15, r => r.GroupBy),
        new("Received", 8, r => r.Received),
        new("Delivered", 9, r => r.Delivered),
        new("Deferrals", 9, r => r.Deferrals),
        new("Bounced", 7, r => r.Bounced),
        new("Rejected", 8, r => r.Rejected),
        new("AvgDelay", 8, r => r.AverageDelay?.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)),
        new("MaxDelay", 8, r => r.MaximumDelay?.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)),
        new("Count", 6, r => r.Count),
        new("Key", 0, r => r.Status is null ? r.Key : $"{r.Status}: {r.Key}"),
    };

    private static Command Delay(CliIO io)
    {
        var filters = new Filters();
        var by = new Option<MessageDelayGroupBy[]>("--by") { Description = "Rows: total (default), hour, recipientdomain, message; repeatable." };
        var minimum = new Option<string?>("--minimum-delay") { Description = "Message rows only for messages delayed at least this long (10m, 1h, 00:15:00); undelivered ones always." };
        var format = CliIO.FormatOption();
        var command = new Command("delay", "End-to-end delay per message (receipt to last delivery) with percentiles per hour and destination (like Measure-MessageDelay).")
        {
            by, minimum, format,
        };
        filters.AddTo(command);
        command.SetAction(parse =>
        {
            var options = new MessageDelayOptions();
            foreach (var g in parse.GetValue(by) ?? Array.Empty<MessageDelayGroupBy>())
            {
                options.GroupBy.Add(g);
            }

            var request = filters.Request(parse);
            return io.Write(() =>
            {
                if (parse.GetValue(minimum) is { } least)
                {
                    options.MinimumDelay = Outage.Tools.Core.Operations.Duration.Parse(least, "--minimum-delay", TimeSpan.Zero, TimeSpan.FromDays(3650),
                        Outage.Tools.Core.ErrorIds.InvalidArgument);
                }

                return MessageDelay.Run(MailLog.Read(request), options);
            }, parse.GetValue(format), DelayTable);
        });
        return command;
    }

    /// <summary>A delay as people read it: 45.2s, 7m12s, 2h00m.</summary>
    internal static string? Short(TimeSpan? t) => t is not { } v ? null
        : v.TotalHours >= 1 ? string.Format(CultureInfo.InvariantCulture, "{0}h{1:00}m", (long)Math.Floor(v.TotalHours), v.Minutes)
        : v.TotalMinutes >= 1 ? string.Format(CultureInfo.InvariantCulture, "{0}m{1:00}s", v.Minutes, v.Seconds)
        : v.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    private static readonly TableColumn<MessageDelayRow>[] DelayTable =
    {
        new("GroupBy", 15, r => r.GroupBy),
        new("Delivered", 9, r => r.Delivered),
        new("Undelivered", 11, r => r.Undelivered),
        new("Deferred", 8, r => r.Deferred),
        new("P50", 8, r => Short(r.P50)),
        new("P90", 8, r => Short(r.P90)),
        new("P95", 8, r => Short(r.P95)),
        new("P99", 8, r => Short(r.P99)),
        new("Maximum", 8, r => Short(r.Maximum)),
        new("Key", 0, r => r.Key),
    };
}
