using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Outage.Tools.Core.Mime;
using Outage.Tools.Core.Operations;

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
            if (o.Value!.Poison)
            {
                poison.Add(o.Value);
            }
            else if (o.Value.Verdict == MimeVerdict.Nonconforming)
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
