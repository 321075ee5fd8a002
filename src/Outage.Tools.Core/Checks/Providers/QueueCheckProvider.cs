using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Core.Checks.Providers;

/// <summary>
/// Queue checks, per configured queue source: <c>queue-size</c> (queued messages against QueueWarn/QueueFail,
/// like Exchange Online's queue alert), <c>queue-oldest</c> (age of the oldest message) and, where several
/// snapshots are given (a wildcard of saved <c>postqueue -j</c> files) or the history holds earlier runs,
/// <c>queue-growth</c> (messages per minute; growing, draining or stable).
/// </summary>
public sealed class QueueCheckProvider : IOutageCheckProvider
{
    private static readonly Regex SnapshotTime = new(@"(\d{8}T\d{6}Z)", RegexOptions.CultureInvariant);

    public CheckArea Area => CheckArea.Queue;

    public IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration)
    {
        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        foreach (var spec in configuration.Queues)
        {
            yield return new CheckUnit(Area, spec.DisplayName, "queue-size", ct => Check(spec, configuration.Thresholds, configuration.HistoryPath, ct));
        }
    }

    private sealed class Snapshot
    {
        public DateTimeOffset Time;
        public int Messages;
        public int Recipients;

        /// <summary>Held (Postfix hold) and frozen (Exim) messages: they never drain by themselves.</summary>
        public int Held;
        public DateTimeOffset? Oldest;
        public readonly Dictionary<string, int> Reasons = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int> Domains = new(StringComparer.OrdinalIgnoreCase);
        public readonly Dictionary<string, int> NextHops = new(StringComparer.OrdinalIgnoreCase);
        public readonly List<string> Errors = new();
    }

    private static IEnumerable<OutageCheckResult> Check(QueueSourceSpec spec, OutageThresholds t, string? historyPath, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var snapshots = Sources(spec).Select(s => Read(s.Options, s.Time, ct)).OrderBy(s => s.Time).ToList();
        var last = snapshots[snapshots.Count - 1];
        var target = spec.DisplayName;
        var duration = DateTimeOffset.UtcNow - started;
        if (last.Messages == 0 && last.Errors.Count > 0)
        {
            yield return new OutageCheckResult(CheckArea.Queue, target, "queue-size", CheckStatus.Error, "The queue could not be read: " + last.Errors[0],
                null, last.Errors.Take(20), last.Time, duration);
            yield break;
        }

        // Earlier counts: the snapshots of a wildcard, else (a live queue) this queue's queue-size of earlier runs.
        var earlier = snapshots.Take(snapshots.Count - 1).Select(s => new TrendPoint(s.Time, s.Messages)).ToList();
        if (earlier.Count == 0 && historyPath is not null)
        {
            earlier = History(historyPath, new OutageCheckResult(CheckArea.Queue, target, "queue-size", CheckStatus.Pass, string.Empty).Key, last.Time);
        }

        var growth = earlier.Count == 0 ? null : Growth(earlier, last, t);
        var evidence = Top("reason", last.Reasons, "messages").Concat(Top("next hop", last.NextHops, "recipients")).Concat(Top("destination", last.Domains, "recipients"))
            .Concat(last.Held > 0 ? new[] { $"held or frozen: {last.Held:N0} messages (not counted in the drain time)" } : Array.Empty<string>())
            .Concat(last.Errors.Take(5).Select(e => "unreadable: " + e)).ToList();
        var sizeStatus = OutageThresholds.Grade(last.Messages, t.QueueWarn, t.QueueFail);
        var topReason = last.Reasons.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).FirstOrDefault();
        var summary = $"{last.Messages:N0} queued" + (growth is null ? string.Empty : $", {growth.Value.Trend} {Rate(growth.Value.Rate)}/min")
            + $" ({last.Recipients:N0} recipients)"
            + (topReason.Key is null ? string.Empty : $"; top reason ({topReason.Value:N0} of {last.Messages:N0} messages): {topReason.Key}");
        yield return new OutageCheckResult(CheckArea.Queue, target, "queue-size", sizeStatus, summary,
            $"Warn at {t.QueueWarn:N0}, Fail at {t.QueueFail:N0} queued messages.", evidence, last.Time, duration, value: last.Messages, unit: "messages")
            .WithTrend(earlier);

        if (last.Oldest is DateTimeOffset oldest)
        {
            var age = last.Time - oldest;
            yield return new OutageCheckResult(CheckArea.Queue, target, "queue-oldest",
                OutageThresholds.Grade(age.TotalMinutes, t.OldestMessageWarnMinutes, t.OldestMessageFailMinutes),
                $"Oldest message queued for {Reporting.ReportText.Duration(age)} (since {Reporting.ReportText.Time(oldest)})",
                $"Warn at {t.OldestMessageWarnMinutes:0.#} min, Fail at {t.OldestMessageFailMinutes:0.#} min.", null, last.Time, duration,
                value: Math.Round(age.TotalMinutes, 1), unit: "minutes");
        }

        if (growth is { } g)
        {
            var first = earlier[0];
            var status = g.Rate <= 0 ? CheckStatus.Pass : OutageThresholds.Grade(g.Rate, t.GrowthWarnPerMinute, t.GrowthWarnPerMinute * 10);
            var drainable = last.Messages - last.Held;
            var drain = g.Rate < 0 && drainable > 0
                ? $"; empty in about {Reporting.ReportText.Duration(TimeSpan.FromMinutes(drainable / -g.Rate))}" + (last.Held > 0 ? $" ({last.Held:N0} held or frozen messages stay)" : string.Empty)
                : string.Empty;
            var points = earlier.Select(p => $"{Reporting.ReportText.Time(p.Time)}: {p.Value:N0} messages")
                .Concat(new[] { $"{Reporting.ReportText.Time(last.Time)}: {last.Messages:N0} messages" });
            yield return new OutageCheckResult(CheckArea.Queue, target, "queue-growth", status,
                $"Backlog {g.Trend}: {Rate(g.Rate)} messages/min over {Reporting.ReportText.Duration(last.Time - g.Since)} ({g.From:N0} → {last.Messages:N0}){drain}",
                $"Warn at {t.GrowthWarnPerMinute:0.##} messages/min of growth, Fail at {t.GrowthWarnPerMinute * 10:0.##}. Rate between the last two "
                + (snapshots.Count > 1 ? "snapshots" : "runs") + $"; first seen {Reporting.ReportText.Time(first.Time)} at {first.Value:N0} messages.",
                points, last.Time, duration, value: Math.Round(g.Rate, 2), unit: "messages/min");
        }
    }

    private static string Rate(double rate) => rate.ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Messages per minute between the previous count and this one (Exchange's Velocity guidance: weigh the
    /// magnitude of the change, not its sign alone: below half the warning rate is stable).
    /// </summary>
    private static (double Rate, string Trend, DateTimeOffset Since, double From)? Growth(List<TrendPoint> earlier, Snapshot last, OutageThresholds t)
    {
        var previous = earlier[earlier.Count - 1];
        var minutes = (last.Time - previous.Time).TotalMinutes;
        if (minutes <= 0)
        {
            return null;
        }

        var rate = (last.Messages - previous.Value) / minutes;
        var trend = Math.Abs(rate) < t.GrowthWarnPerMinute / 2 ? "stable" : rate > 0 ? "growing" : "draining";
        return (rate, trend, previous.Time, previous.Value);
    }

    /// <summary>This queue's queue-size values of earlier runs in the history file, oldest first (the last 50).</summary>
    private static List<TrendPoint> History(string historyPath, string key, DateTimeOffset before)
    {
        var points = new List<TrendPoint>();
        foreach (var r in new OutageHistory(historyPath).Read())
        {
            if (r.Key == key && r.Value is double v && r.Status != CheckStatus.Error && r.Timestamp < before)
            {
                points.Add(new TrendPoint(r.Timestamp, v));
            }
        }

        return points.OrderBy(p => p.Time).Skip(Math.Max(0, points.Count - 50)).ToList();
    }

    private static IEnumerable<string> Top(string what, Dictionary<string, int> counts, string unit) =>
        counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(5).Select(p => $"{what}: {p.Key} ({p.Value:N0} {unit})");

    private static Snapshot Read(QueueSourceOptions options, DateTimeOffset time, CancellationToken ct)
    {
        options.Now = time;
        var s = new Snapshot { Time = time };
        foreach (var o in QueueSource.ReadMessages(options, ct))
        {
            if (o.Kind == OutcomeKind.Error)
            {
                s.Errors.Add(o.Error!.Message);
                continue;
            }

            if (o.Kind != OutcomeKind.Result)
            {
                continue;
            }

            var m = o.Value!;
            s.Messages++;
            if (m.State == "Hold" || m.State == "Frozen")
            {
                s.Held++;
            }

            if (m.ArrivalTime is DateTimeOffset a && (s.Oldest is null || a < s.Oldest))
            {
                s.Oldest = a;
            }

            foreach (var r in m.Recipients.Where(r => !r.Delivered))
            {
                s.Recipients++;
                var domain = QueueText.DomainOf(r.Address);
                s.Domains[domain] = s.Domains.TryGetValue(domain, out var d) ? d + 1 : 1;
                if (r.NextHop is { } hop)
                {
                    s.NextHops[hop] = s.NextHops.TryGetValue(hop, out var h) ? h + 1 : 1;
                }
            }

            var reason = m.LastError ?? m.Recipients.Select(r => r.DelayReason).FirstOrDefault(x => !string.IsNullOrEmpty(x));
            if (!string.IsNullOrEmpty(reason))
            {
                reason = QueueText.NormalizeReason(reason!);
                s.Reasons[reason] = s.Reasons.TryGetValue(reason, out var n) ? n + 1 : 1;
            }
        }

        return s;
    }

    /// <summary>The reads to make: one per snapshot file of a wildcard, else one read now.</summary>
    private static IEnumerable<(QueueSourceOptions Options, DateTimeOffset Time)> Sources(QueueSourceSpec spec)
    {
        var kind = spec.Kind switch
        {
            "postqueue-json" => QueueSourceKind.PostqueueJson,
            "postfix" => QueueSourceKind.Postfix,
            "exim-bp" => QueueSourceKind.EximListing,
            "exim" => QueueSourceKind.Exim,
            "spool" => QueueSourceKind.Spool,
            "exchange-csv" or "exchange-clixml" => QueueSourceKind.Exchange,
            _ => throw new OutageException(ErrorIds.CheckConfigurationInvalid, OutageErrorCategory.InvalidArgument,
                $"Unknown queue kind '{spec.Kind}'.", spec.Kind, "Use one of: " + string.Join(", ", QueueSpec.Kinds) + "."),
        };
        QueueSourceOptions Options(string? path) => new()
        {
            Kind = kind,
            Path = path,
            ConfigDirectory = kind == QueueSourceKind.Postfix ? spec.ConfigDirectory : null,
            EximConfig = kind == QueueSourceKind.Exim ? spec.ConfigDirectory : null,
            Clixml = spec.Kind == "exchange-clixml",
        };

        if (spec.Path is not null && Wildcard.ContainsWildcard(Path.GetFileName(spec.Path)))
        {
            var dir = Path.GetDirectoryName(spec.Path)!;
            var pattern = new Wildcard(Path.GetFileName(spec.Path));
            var files = Directory.Exists(dir)
                ? Directory.EnumerateFiles(dir).Where(f => pattern.IsMatch(Path.GetFileName(f)) && FileScan.IsRegularFile(f, out _)).OrderBy(f => f, StringComparer.Ordinal).ToList()
                : new List<string>();
            if (files.Count == 0)
            {
                throw new OutageException(ErrorIds.PathNotFound, OutageErrorCategory.ObjectNotFound,
                    $"No file matches the queue snapshot pattern '{spec.Path}'.", spec.Path, "Check the Path of the queue in the configuration.");
            }

            foreach (var f in files)
            {
                yield return (Options(f), TimeOf(f));
            }

            yield break;
        }

        yield return (Options(spec.Path), spec.Path is not null && kind != QueueSourceKind.Spool && File.Exists(spec.Path) ? TimeOf(spec.Path) : DateTimeOffset.UtcNow);
    }

    /// <summary>A snapshot's time: a UTC stamp in its name (postqueue-20261120T233756Z.jsonl), else the file's last write.</summary>
    private static DateTimeOffset TimeOf(string file)
    {
        var m = SnapshotTime.Match(Path.GetFileName(file));
        return m.Success && DateTimeOffset.TryParseExact(m.Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
    }
}
