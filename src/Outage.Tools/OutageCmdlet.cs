using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using Outage.Tools.Core;
using Outage.Tools.Core.Operations;

namespace Outage.Tools;

/// <summary>
/// The one adapter between PowerShell and a Core operation. A cmdlet binds its parameters, builds a typed
/// request and hands the operation's outcome stream to <see cref="Emit{T}"/>, which runs it on the pipeline
/// thread: results go to WriteObject, per-item errors to WriteError, warnings and notes to their streams,
/// progress to WriteProgress (ending with a Completed record), and Stop (Ctrl+C) cancels the operation.
/// An <see cref="OutageException"/> from the operation becomes a terminating error. Nothing here prompts or
/// writes to the console.
/// </summary>
public abstract class OutageCmdlet : PSCmdlet, IDisposable
{
    /// <summary>
    /// Where each cmdlet's online help lives (Get-Help -Online): its own page docs/cmdlets/Verb-Noun.md in the
    /// project's repository, the same source the MAML help is generated from.
    /// </summary>
    public const string HelpBase = "https://github.com/outage-tools/Outage.Tools/blob/main/docs/cmdlets/";

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IDisposable> _streams = new();
    private bool _disposed;
    private bool _announced;

    /// <summary>Cancelled when the user stops the pipeline.</summary>
    protected CancellationToken Cancellation => _stopping.Token;

    /// <summary>Creates the progress sink for an operation; pass it to the operation, then to <see cref="Emit{T}"/>.</summary>
    protected ProgressSink NewProgress() => new(GetType().Name.GetHashCode() & 0x7fffffff);

    /// <summary>Runs an operation's outcomes through the pipeline.</summary>
    protected void Emit<T>(IEnumerable<Outcome<T>> outcomes, ProgressSink? progress = null)
    {
        if (outcomes is null)
        {
            throw new ArgumentNullException(nameof(outcomes));
        }

        Emit(() => outcomes, progress);
    }

    /// <summary>
    /// Starts an operation and runs its outcomes through the pipeline. Pass the Core call as a lambda: an operation
    /// that checks its request before streaming throws <see cref="OutageException"/> from the call itself, and only
    /// inside this method does that become the terminating error with its stable id.
    /// </summary>
    protected void Emit<T>(Func<IEnumerable<Outcome<T>>> start, ProgressSink? progress = null)
    {
        if (start is null)
        {
            throw new ArgumentNullException(nameof(start));
        }

        Announce();
        try
        {
            foreach (var outcome in start())
            {
                WriteOutcome(outcome, progress);
            }
        }
        catch (OutageException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex.Error));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or InvalidOperationException
            or NotSupportedException or System.IO.IOException or UnauthorizedAccessException && ex is not IContainsErrorRecord)
        {
            // Never a raw .NET id (System.ArgumentException,Outage.Tools.Commands.…): a bad argument is InvalidArgument,
            // anything else the product's InternalError, both with the message.
            var argument = ex is ArgumentException or FormatException or OverflowException;
            ThrowTerminatingError(ToErrorRecord(new ItemError(argument ? ErrorIds.InvalidArgument : ErrorIds.InternalError,
                argument ? OutageErrorCategory.InvalidArgument : OutageErrorCategory.NotSpecified, ex.Message, null,
                argument ? "Check the arguments." : "Please report this with the command that caused it.", ex)));
        }
        finally
        {
            progress?.Complete(this);
        }
    }

    /// <summary>
    /// The first -Verbose line of a command: its name and the parameters it was given (servers, files, filters),
    /// never a credential's content. Written once, before the command's first operation starts.
    /// </summary>
    protected void Announce()
    {
        if (_announced)
        {
            return;
        }

        _announced = true;
        var parts = new List<string>();
        foreach (var p in MyInvocation.BoundParameters)
        {
            var value = p.Value is PSObject pso ? pso.BaseObject : p.Value;
            if (value is PSCredential || value is System.Security.SecureString || p.Key is "InputObject" or "Message" or "Content" or "Verbose" or "Debug")
            {
                continue;
            }

            var text = value switch
            {
                SwitchParameter sw => sw.IsPresent ? string.Empty : ":$false",
                TimeSpan t => " " + Duration.Format(t),
                string str => " " + str,
                System.Collections.IEnumerable list => " " + string.Join(", ", System.Linq.Enumerable.Take(System.Linq.Enumerable.Cast<object>(list), 10)),
                _ => " " + value,
            };
            parts.Add("-" + p.Key + text);
        }

        WriteVerbose($"{MyInvocation.MyCommand.Name} {string.Join(" ", parts)}".TrimEnd());
    }

    /// <summary>
    /// Adds piped items to a long-lived operation (started on the first call, over every item still to come) and
    /// writes the outcomes that are ready; call from ProcessRecord, then <see cref="EndStream{TIn, TOut}"/> from
    /// EndProcessing. One operation, one progress activity, its parallelism across the whole pipeline.
    /// </summary>
    internal void FeedStream<TIn, TOut>(PipelineStream<TIn, TOut> stream, IEnumerable<TIn> items,
        Func<IEnumerable<TIn>, IEnumerable<Outcome<TOut>>> operation, ProgressSink? progress)
    {
        Announce();
        Guard(() =>
        {
            if (!stream.Started)
            {
                _streams.Add(stream);
                stream.Start(operation, Cancellation);
            }

            stream.Add(items, o => WriteOutcome(o, progress), Cancellation);
        }, null);
    }

    /// <summary>An operation's outcomes as outcomes of object, for a stream whose results are of more than one type.</summary>
    internal static IEnumerable<Outcome<object>> Boxed<T>(IEnumerable<Outcome<T>> outcomes)
    {
        foreach (var o in outcomes)
        {
            yield return o.Kind switch
            {
                OutcomeKind.Result => Outcome<object>.Success(o.Value!),
                OutcomeKind.Error => Outcome<object>.Failure(o.Error!),
                OutcomeKind.Warning => Outcome<object>.Warn(o.Text ?? string.Empty),
                _ => Outcome<object>.Note(o.Text ?? string.Empty),
            };
        }
    }

    /// <summary>Ends the input of a stream started by <see cref="FeedStream{TIn, TOut}"/> and writes the rest.</summary>
    internal void EndStream<TIn, TOut>(PipelineStream<TIn, TOut> stream, ProgressSink? progress) =>
        Guard(() => stream.Finish(o => WriteOutcome(o, progress), Cancellation), progress);

    private void Guard(Action run, ProgressSink? progress)
    {
        try
        {
            run();
        }
        catch (OutageException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex.Error));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            progress?.Complete(this);
        }
    }

    private void WriteOutcome<T>(Outcome<T> outcome, ProgressSink? progress)
    {
        progress?.Flush(this);
        switch (outcome.Kind)
        {
            case OutcomeKind.Result:
                WriteObject(outcome.Value);
                break;
            case OutcomeKind.Error:
                WriteError(ToErrorRecord(outcome.Error!));
                break;
            case OutcomeKind.Warning:
                WriteWarning(TerminalText.Escape(outcome.Text));
                break;
            case OutcomeKind.Verbose:
                WriteVerbose(TerminalText.Escape(outcome.Text));
                break;
        }
    }

    /// <summary>Ends the command for an argument that cannot be used (ThrowTerminatingError).</summary>
    protected void ThrowArgumentError(string errorId, string message, object? target, string? recommendedAction = null) =>
        ThrowTerminatingError(ToErrorRecord(new ItemError(errorId, OutageErrorCategory.InvalidArgument, message, target, recommendedAction)));

    /// <summary>
    /// Checks a time parameter against its range before any work: outside it, the command ends with
    /// <paramref name="errorId"/> and a recommended action naming the range and the accepted forms.
    /// </summary>
    protected TimeSpan RequireDuration(string parameter, TimeSpan value, TimeSpan minimum, TimeSpan maximum, string errorId)
    {
        try
        {
            return Duration.Require(value, "-" + parameter, minimum, maximum, errorId);
        }
        catch (OutageException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex.Error));
            return value;
        }
    }

    /// <summary>The -Verbose line of a command's start: which command runs with which source, server or file.</summary>
    protected void WriteVerboseStart(string what) => WriteVerbose($"{MyInvocation.MyCommand.Name}: {what}");

    /// <summary>Reports a failure of one item and goes on (WriteError).</summary>
    protected void WriteItemError(ItemError error) => WriteError(ToErrorRecord(error));

    /// <summary>Builds the ErrorRecord for a Core error: stable id, mapped category, target and recommended action.</summary>
    public static ErrorRecord ToErrorRecord(ItemError error)
    {
        if (error is null)
        {
            throw new ArgumentNullException(nameof(error));
        }

        var exception = error.Exception ?? new OutageException(error);
        var record = new ErrorRecord(exception, error.ErrorId, MapCategory(error.Category), error.Target)
        {
            ErrorDetails = new ErrorDetails(TerminalText.Escape(error.Message)) { RecommendedAction = error.RecommendedAction },
        };
        return record;
    }

    /// <summary>Core categories carry PowerShell's names, so the mapping is by name.</summary>
    public static ErrorCategory MapCategory(OutageErrorCategory category) =>
        Enum.TryParse<ErrorCategory>(category.ToString(), out var mapped) ? mapped : ErrorCategory.NotSpecified;

    protected override void StopProcessing()
    {
        _stopping.Cancel();
        base.StopProcessing();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            if (_streams.Count > 0)
            {
                // A stream abandoned before its end (Stop, Select-Object -First) stops its operation here.
                _stopping.Cancel();
                foreach (var stream in _streams)
                {
                    stream.Dispose();
                }
            }

            _stopping.Dispose();
        }

        _disposed = true;
    }
}

/// <summary>
/// Collects progress reported from any thread and writes the latest one from the pipeline thread, at most
/// every 250 ms, because WriteProgress may only be called there and is slow when called per item.
/// </summary>
public sealed class ProgressSink : IProgress<OperationProgress>
{
    private static readonly long Interval = Stopwatch.Frequency / 4;
    private readonly int _activityId;
    private OperationProgress? _latest;
    private OperationProgress? _written;
    private long _lastWrite;

    internal ProgressSink(int activityId) => _activityId = activityId;

    public void Report(OperationProgress value) => Volatile.Write(ref _latest, value);

    internal void Flush(Cmdlet cmdlet)
    {
        var latest = Volatile.Read(ref _latest);
        var now = Stopwatch.GetTimestamp();
        if (latest is null || ReferenceEquals(latest, _written) || now - _lastWrite < Interval)
        {
            return;
        }

        cmdlet.WriteProgress(ToRecord(latest, ProgressRecordType.Processing));
        _written = latest;
        _lastWrite = now;
    }

    internal void Complete(Cmdlet cmdlet)
    {
        if (_written is not null)
        {
            cmdlet.WriteProgress(ToRecord(_written, ProgressRecordType.Completed));
            _written = null;
        }
    }

    private ProgressRecord ToRecord(OperationProgress p, ProgressRecordType type) =>
        new(_activityId, p.Activity, string.IsNullOrEmpty(p.Status) ? p.Activity : p.Status)
        {
            PercentComplete = p.PercentComplete,
            CurrentOperation = p.CurrentOperation,
            RecordType = type,
        };
}
