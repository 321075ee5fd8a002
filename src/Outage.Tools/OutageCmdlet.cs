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
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

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

        try
        {
            foreach (var outcome in start())
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

    /// <summary>Ends the command for an argument that cannot be used (ThrowTerminatingError).</summary>
    protected void ThrowArgumentError(string errorId, string message, object? target, string? recommendedAction = null) =>
        ThrowTerminatingError(ToErrorRecord(new ItemError(errorId, OutageErrorCategory.InvalidArgument, message, target, recommendedAction)));

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
