using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Queue;

namespace Outage.Tools.Core.Checks.Providers;

/// <summary>
/// MIME checks, per configured message folder or file: <c>poison-messages</c> lints every message with the
/// streaming linter and fails when poison messages (verdict Poison: a finding that hurts the software on the path,
/// see <see cref="MimeRule.Impact"/>) reach PoisonFail; merely nonconforming messages are counted, not failed. The
/// evidence names each poison message with its poison rules, offsets and parts.
/// </summary>
public sealed class MimeCheckProvider : IOutageCheckProvider
{
    public CheckArea Area => CheckArea.Mime;

    public IEnumerable<CheckUnit> Plan(OutageCheckConfiguration configuration)
    {
        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        foreach (var path in configuration.MessagePaths)
        {
            yield return new CheckUnit(Area, path, "poison-messages", ct => Check(path, configuration.Thresholds, ct));
        }

        // Live queues are linted too: the poison is where the outage is, not only in exported folders.
        foreach (var spec in configuration.Queues)
        {
            var kind = spec.Kind == "postfix" ? QueueSourceKind.Postfix : spec.Kind == "exim" ? QueueSourceKind.Exim : (QueueSourceKind?)null;
            if (kind is { } k)
            {
                var options = new QueueSourceOptions
                {
                    Kind = k,
                    ConfigDirectory = k == QueueSourceKind.Postfix ? spec.ConfigDirectory : null,
                    EximConfig = k == QueueSourceKind.Exim ? spec.ConfigDirectory : null,
                };
                yield return new CheckUnit(Area, spec.DisplayName, "poison-messages", ct => CheckQueue(spec.DisplayName, options, configuration.Thresholds, ct));
            }
        }
    }

    /// <summary>Evidence lines of a live queue's poison result: at most this many messages are named.</summary>
    internal const int MaxNamedQueueMessages = 500;

    private static IEnumerable<OutageCheckResult> CheckQueue(string target, QueueSourceOptions options, OutageThresholds t, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var request = new MimeLintRequest { ThrottleLimit = Math.Max(1, Environment.ProcessorCount) };
        var checkedCount = 0;
        var poison = new List<MimeMessageReport>();
        var errors = new List<string>();
        foreach (var o in LiveQueueLint.Run(request, new[] { options }, null, ct))
        {
            if (o.Kind == OutcomeKind.Error)
            {
                errors.Add(o.Error!.Message);
                continue;
            }

            if (o.Kind != OutcomeKind.Result)
            {
                continue;
            }

            checkedCount++;
            if (LiveQueueLint.IsPoison(o.Value!))
            {
                poison.Add(o.Value!);
            }
        }

        var duration = DateTimeOffset.UtcNow - started;
        if (checkedCount == 0 && errors.Count > 0)
        {
            yield return new OutageCheckResult(CheckArea.Mime, target, "poison-messages", CheckStatus.Error,
                "The queue's messages could not be read: " + errors[0], null, errors.Take(10), null, duration);
            yield break;
        }

        var evidence = poison.Take(MaxNamedQueueMessages).Select(DescribeQueued).ToList();
        if (poison.Count > MaxNamedQueueMessages)
        {
            evidence.Add($"… and {poison.Count - MaxNamedQueueMessages:N0} more poison messages (outage mime lint --postfix / --exim lists them all)");
        }

        evidence.AddRange(errors.Take(10).Select(e => "unreadable: " + e));
        var status = poison.Count >= t.PoisonFail ? CheckStatus.Fail : CheckStatus.Pass;
        var rules = poison.SelectMany(r => r.Findings.Where(f => f.Severity == MimeSeverity.Error).Select(f => f.Rule)).Distinct().ToList();
        var summary = poison.Count == 0
            ? $"{checkedCount:N0} queued messages checked, none malformed"
            : $"{poison.Count:N0} poison messages of {checkedCount:N0} queued: {string.Join(", ", rules.Take(5))}";
        yield return new OutageCheckResult(CheckArea.Mime, target, "poison-messages", status, summary,
            $"Every queued message's content was linted. Fail at {t.PoisonFail} malformed message(s) (any Error finding).", evidence, null, duration,
            value: poison.Count, unit: "messages");
    }

    /// <summary>"QUEUEID (queue): rule, rule": the queue id an admin holds or removes (postsuper -h / exim -Mf).</summary>
    private static string DescribeQueued(MimeMessageReport report)
    {
        var m = report.Message as QueueMessage;
        var rules = report.Findings.Where(f => f.Severity == MimeSeverity.Error).Select(f => f.Rule).Distinct();
        return m is null ? $"{report.Path}: {string.Join(", ", rules)}" : $"{m.Id} ({m.Queue}): {string.Join(", ", rules)}";
    }

    private static IEnumerable<OutageCheckResult> Check(string path, OutageThresholds t, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            yield return new OutageCheckResult(CheckArea.Mime, path, "poison-messages", CheckStatus.Error,
                $"The message path '{path}' does not exist.", "Fix MessagePaths in the configuration.");
            yield break;
        }

        var request = new MimeLintRequest { Recurse = true, ThrottleLimit = 1 };
        request.Inputs.Add(MimeInput.FromPath(path));
        var checkedCount = 0;
        var nonconforming = 0;
        var poison = new List<MimeMessageReport>();
        var errors = new List<string>();
        foreach (var o in MimeLint.Run(request, null, ct))
        {
            if (o.Kind == OutcomeKind.Error)
            {
                errors.Add(o.Error!.Message);
                continue;
            }

            if (o.Kind != OutcomeKind.Result)
            {
                continue;
            }

            checkedCount++;
            if (LiveQueueLint.IsPoison(o.Value!))
            {
                poison.Add(o.Value!);
            }
            else if (o.Value!.Verdict == MimeVerdict.Nonconforming)
            {
                nonconforming++;
            }
        }

        var duration = DateTimeOffset.UtcNow - started;
        var evidence = poison.Take(50).Select(Describe).Concat(errors.Take(10).Select(e => "unreadable: " + e)).ToList();
        if (checkedCount == 0 && errors.Count > 0)
        {
            yield return new OutageCheckResult(CheckArea.Mime, path, "poison-messages", CheckStatus.Error,
                "No message could be read: " + errors[0], null, evidence, null, duration);
            yield break;
        }

        var status = poison.Count >= t.PoisonFail ? CheckStatus.Fail : CheckStatus.Pass;
        var rules = poison.SelectMany(r => r.Findings.Where(f => f.Poison).Select(f => f.Rule)).Distinct().ToList();
        var summary = poison.Count == 0
            ? $"{checkedCount:N0} messages checked, none poison" + (nonconforming > 0 ? $" ({nonconforming:N0} nonconforming)" : string.Empty)
            : $"{poison.Count:N0} poison message(s) of {checkedCount:N0}: {string.Join(", ", rules.Take(5))}";
        yield return new OutageCheckResult(CheckArea.Mime, path, "poison-messages", status, summary,
            $"Fail at {t.PoisonFail} poison message(s) (verdict Poison). {nonconforming:N0} message(s) are nonconforming but harmless.", evidence, null, duration,
            value: poison.Count, unit: "messages");
    }

    private static string Describe(MimeMessageReport report) =>
        $"{report.Path}: " + string.Join("; ", report.Findings.Where(f => f.Poison).Take(3)
            .Select(f => $"{f.Rule} at offset {f.Offset} (line {f.Line}, part {f.Part})"));
}
