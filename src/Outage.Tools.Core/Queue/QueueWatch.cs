using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Queue;

/// <summary>Options of Watch-MailQueue.</summary>
public sealed class QueueWatchOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Number of samples (default 1 when no Duration is given).</summary>
    public int? Count { get; set; }

    /// <summary>Keep sampling for this long.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>JSON Lines file: earlier samples are read for the first delta, new ones appended.</summary>
    public string? HistoryPath { get; set; }

    /// <summary>Append new samples to <see cref="HistoryPath"/> (false: read it only, create nothing; -WhatIf).</summary>
    public bool WriteHistory { get; set; } = true;

    /// <summary>Only these messages count (queue, domain...).</summary>
    public QueueMessageFilter Filter { get; set; } = new();

    /// <summary>Trend thresholds: a change below this many messages per minute is Stable...</summary>
    public double StableRatePerMinute { get; set; } = 1.0;

    /// <summary>...or below this fraction of the queue per minute (Exchange Velocity guidance: weigh magnitude).</summary>
    public double StableFractionPerMinute { get; set; } = 0.01;

    /// <summary>Clock and sleep, replaceable in tests.</summary>
    internal Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;
}

/// <summary>
/// Samples a queue repeatedly (Watch-MailQueue): count, delta, rate per minute, trend, estimated time to drain,
/// oldest age. The trend follows Exchange's Velocity guidance (Get-Queue: "weigh magnitude, not only the sign"):
/// a change is Growing or Draining only when it is at least <see cref="QueueWatchOptions.StableRatePerMinute"/>
/// messages per minute and at least <see cref="QueueWatchOptions.StableFractionPerMinute"/> of the queue per minute.
/// </summary>
public static class QueueWatch
{
    public static IEnumerable<Outcome<QueueSample>> Run(Func<IEnumerable<Outcome<QueueMessage>>> read, QueueWatchOptions options,
        CancellationToken cancellationToken = default)
    {
        if (read is null || options is null)
        {
            throw new ArgumentNullException(read is null ? nameof(read) : nameof(options));
        }

        if (options.Interval <= TimeSpan.Zero || options.Interval > TimeSpan.FromDays(1))
        {
            throw new OutageException(ErrorIds.QueueWatchIntervalInvalid, OutageErrorCategory.InvalidArgument, $"Interval must be between 0 and 1 day (got {options.Interval}).", options.Interval,
                "Give an interval such as 30s, 5m or 00:01:00.");
        }

        var count = options.Count ?? (options.Duration is null ? 1 : int.MaxValue);
        if (count < 1 || count > 1_000_000)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument, $"Count must be between 1 and 1000000 (got {count}).", count);
        }

        var start = options.Clock();
        var previous = options.HistoryPath is null ? null : LastSample(options.HistoryPath);
        var match = options.Filter.Compile();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                if (options.Duration is { } d && options.Clock() + options.Interval - start > d)
                {
                    yield break;
                }

                if (cancellationToken.WaitHandle.WaitOne(options.Interval))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            var sample = new QueueSample();
            var sawSource = false;
            TimeSpan? oldest = null;
            var errors = new List<ItemError>();
            foreach (var o in read())
            {
                if (o.Kind == OutcomeKind.Error)
                {
                    errors.Add(o.Error!);
                    continue;
                }

                if (o.Kind != OutcomeKind.Result || !match(o.Value!))
                {
                    continue;
                }

                var m = o.Value!;
                if (!sawSource)
                {
                    sawSource = true;
                    sample.Source = m.Source;
                    sample.ComputerName = m.ComputerName;
                }

                sample.Count++;
                foreach (var r in m.Recipients)
                {
                    if (!r.Delivered)
                    {
                        sample.RecipientCount++;
                    }
                }

                if (m.Age is { } age && (oldest is null || age > oldest))
                {
                    oldest = age;
                }
            }

            foreach (var e in errors)
            {
                yield return Outcome<QueueSample>.Failure(e);
            }

            sample.Time = options.Clock();
            sample.OldestAge = oldest;
            Evaluate(sample, previous, options);
            if (options.HistoryPath is not null && options.WriteHistory)
            {
                Append(options.HistoryPath, sample);
            }

            previous = sample;
            yield return Outcome<QueueSample>.Success(sample);
        }
    }

    internal static void Evaluate(QueueSample sample, QueueSample? previous, QueueWatchOptions options)
    {
        if (previous is null || sample.Time <= previous.Time)
        {
            sample.Trend = QueueTrend.Unknown;
            return;
        }

        sample.Delta = sample.Count - previous.Count;
        var minutes = (sample.Time - previous.Time).TotalMinutes;
        var rate = sample.Delta.Value / minutes;
        sample.RatePerMinute = Math.Round(rate, 3);
        var magnitude = Math.Abs(rate);
        var basis = Math.Max(1, Math.Max(sample.Count, previous.Count));
        if (magnitude < options.StableRatePerMinute || magnitude / basis < options.StableFractionPerMinute)
        {
            sample.Trend = QueueTrend.Stable;
        }
        else
        {
            sample.Trend = rate > 0 ? QueueTrend.Growing : QueueTrend.Draining;
        }

        if (rate < 0 && sample.Count > 0)
        {
            sample.EstimatedDrain = TimeSpan.FromMinutes(Math.Min(sample.Count / magnitude, TimeSpan.FromDays(3650).TotalMinutes));
        }
        else if (sample.Count == 0)
        {
            sample.EstimatedDrain = TimeSpan.Zero;
        }
    }

    /// <summary>One JSON object per line: time (ISO 8601), count, recipients, source, computerName, oldestAgeSeconds.</summary>
    internal static void Append(string path, QueueSample s)
    {
        var line = new StringBuilder("{\"time\":\"").Append(s.Time.ToString("o", CultureInfo.InvariantCulture)).Append("\",\"count\":")
            .Append(s.Count.ToString(CultureInfo.InvariantCulture)).Append(",\"recipientCount\":").Append(s.RecipientCount.ToString(CultureInfo.InvariantCulture))
            .Append(",\"source\":\"").Append(QueueText.SourceName(s.Source)).Append("\",\"computerName\":\"").Append(Escape(s.ComputerName)).Append('"');
        if (s.OldestAge is { } a)
        {
            line.Append(",\"oldestAgeSeconds\":").Append(((long)a.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        line.Append("}\n");
        try
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            File.AppendAllText(path, line.ToString(), new UTF8Encoding(false));
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new OutageException(ErrorIds.PathNotReadable, OutageErrorCategory.WriteError, $"The history file '{path}' cannot be written: {ex.Message}", path,
                "Give a writable -HistoryPath / --history.", ex);
        }
    }

    /// <summary>The last valid sample of a history file; damaged lines are skipped.</summary>
    internal static QueueSample? LastSample(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        QueueSample? last = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                if (new JsonCursor(line).ReadValue() is Dictionary<string, object?> d && d.TryGetValue("time", out var t) && t is string ts
                    && d.TryGetValue("count", out var c) && c is double count)
                {
                    last = new QueueSample
                    {
                        Time = DateTimeOffset.Parse(ts, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                        Count = (long)count,
                        RecipientCount = d.TryGetValue("recipientCount", out var rc) && rc is double r ? (long)r : 0,
                    };
                }
            }
            catch (FormatException)
            {
            }
        }

        return last;
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
