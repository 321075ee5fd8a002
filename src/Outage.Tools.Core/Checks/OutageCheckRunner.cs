using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Operations;

namespace Outage.Tools.Core.Checks;

/// <summary>A request to run the outage check.</summary>
public sealed class OutageCheckRequest
{
    public OutageCheckRequest(OutageCheckConfiguration configuration, IReadOnlyList<IOutageCheckProvider> providers)
    {
        Configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        Providers = providers ?? throw new ArgumentNullException(nameof(providers));
    }

    public OutageCheckConfiguration Configuration { get; }

    public IReadOnlyList<IOutageCheckProvider> Providers { get; }

    /// <summary>Units of work run at once.</summary>
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>Append the run to the history file (false: read it for Since only, create nothing; -WhatIf).</summary>
    public bool WriteHistory { get; set; } = true;
}

/// <summary>
/// Runs every provider's units concurrently and streams uniform results. A unit that throws or overruns its
/// time limit becomes an Error result for that unit; the run always goes on. With a history file, each result's
/// Since is read from earlier runs and the run is appended.
/// </summary>
public static class OutageCheckRunner
{
    public static IEnumerable<Outcome<OutageCheckResult>> Run(OutageCheckRequest request, IProgress<OperationProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.ThrottleLimit < 1)
        {
            throw new OutageException(ErrorIds.InvalidArgument, OutageErrorCategory.InvalidArgument,
                $"ThrottleLimit must be at least 1, not {request.ThrottleLimit}.", request.ThrottleLimit);
        }

        var config = request.Configuration;
        try
        {
            config.Thresholds.Validate();
        }
        catch (FormatException ex)
        {
            throw new OutageException(ErrorIds.CheckConfigurationInvalid, OutageErrorCategory.InvalidArgument, ex.Message, null,
                "Give finite thresholds of 0 or more (CheckTimeoutSeconds between 0 and 86400).", ex);
        }

        if (config.IsEmpty)
        {
            throw new OutageException(ErrorIds.CheckNothingToDo, OutageErrorCategory.InvalidArgument,
                "There is nothing to check: no domain, endpoint, SMTP host, queue or message folder was given.", null,
                "Give -ConfigurationPath, or -Domain, -OwaUri, -SmtpHost, -Queue or -MessagePath.");
        }

        return RunCore(request, progress, cancellationToken);
    }

    private static IEnumerable<Outcome<OutageCheckResult>> RunCore(OutageCheckRequest request, IProgress<OperationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var config = request.Configuration;
        var units = request.Providers.SelectMany(p => p.Plan(config)).ToList();
        var history = config.HistoryPath is null ? null : new OutageHistory(config.HistoryPath);
        var previous = history?.LastStatuses() ?? new Dictionary<string, OutageHistory.Entry>();
        if (history is { SkippedLines: > 0 })
        {
            yield return Outcome<OutageCheckResult>.Warn(
                $"The history file '{history.Path}' has {history.SkippedLines} line(s) that are not check results and were skipped (first: {history.FirstSkipped}).");
        }

        var all = new List<OutageCheckResult>();
        var done = 0;
        var limit = TimeSpan.FromSeconds(config.Thresholds.CheckTimeoutSeconds);
        foreach (var batch in OrderedParallel.Run(units, (unit, ct) => RunUnitAsync(unit, limit, ct), request.ThrottleLimit, cancellationToken))
        {
            done++;
            progress?.Report(OperationProgress.Of("Running outage checks", done, units.Count));
            foreach (var result in batch)
            {
                if (previous.TryGetValue(result.Key, out var last) && last.Status == result.Status)
                {
                    result.WithSince(last.Since);
                }

                all.Add(result);
                yield return Outcome<OutageCheckResult>.Success(result);
            }
        }

        if (history is not null && request.WriteHistory)
        {
            var warning = history.Append(all);
            if (warning is not null)
            {
                yield return Outcome<OutageCheckResult>.Warn(warning);
            }
        }
    }

    private static async Task<List<OutageCheckResult>> RunUnitAsync(CheckUnit unit, TimeSpan limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        // A thread of its own: a unit may block (a process, a socket), and must not starve the others of pool threads.
        var work = Task.Factory.StartNew(() => unit.Run(timeout.Token).ToList(), timeout.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var finished = await Task.WhenAny(work, Task.Delay(limit + TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var timedOut = $"The check did not finish within {limit.TotalSeconds:0.#} s.";
        if (finished != work)
        {
            timeout.Cancel();
            return new List<OutageCheckResult>
            {
                Failed(unit, watch.Elapsed, timedOut, "Raise Thresholds.CheckTimeoutSeconds if the target is slow, or look at why it does not answer."),
            };
        }

        try
        {
            return await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new List<OutageCheckResult> { Failed(unit, watch.Elapsed, timedOut, null) };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var action = ex is OutageException oe ? oe.Error.RecommendedAction : null;
            return new List<OutageCheckResult> { Failed(unit, watch.Elapsed, ex.Message, action) };
        }
    }

    private static OutageCheckResult Failed(CheckUnit unit, TimeSpan elapsed, string reason, string? action) =>
        new(unit.Area, unit.Target, unit.Check, CheckStatus.Error, "The check could not run: " + reason,
            action, duration: elapsed);
}
