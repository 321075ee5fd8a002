using System;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// Thrown by an operation when the request as a whole cannot be carried out (unusable arguments, a missing
/// tool). The module turns it into a terminating error (ThrowTerminatingError), the CLI into exit code 2.
/// </summary>
public sealed class OutageException : Exception
{
    public OutageException(ItemError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).FullMessage, error.Exception)
    {
        Error = error;
    }

    public OutageException(string errorId, OutageErrorCategory category, string message, object? target = null,
        string? recommendedAction = null, Exception? inner = null)
        : this(new ItemError(errorId, category, message, target, recommendedAction, inner))
    {
    }

    public ItemError Error { get; }
}
