using System;

namespace Outage.Tools.Core.Operations;

/// <summary>
/// A failure that concerns one item (a file, a name, a host) or, when thrown inside an
/// <see cref="OutageException"/>, the whole request. <see cref="ErrorId"/> is stable API: scripts match on it
/// (PowerShell's FullyQualifiedErrorId starts with it). Every id lives in <see cref="ErrorIds"/>.
/// </summary>
public sealed class ItemError
{
    public ItemError(string errorId, OutageErrorCategory category, string message, object? target = null,
        string? recommendedAction = null, Exception? exception = null)
    {
        if (string.IsNullOrWhiteSpace(errorId))
        {
            throw new ArgumentException("An error needs a stable id.", nameof(errorId));
        }

        ErrorId = errorId;
        Category = category;
        Message = message ?? throw new ArgumentNullException(nameof(message));
        Target = target;
        RecommendedAction = recommendedAction;
        Exception = exception;
    }

    /// <summary>The stable identifier, one of the constants of <see cref="ErrorIds"/>.</summary>
    public string ErrorId { get; }

    public OutageErrorCategory Category { get; }

    /// <summary>What went wrong, naming the thing it concerns.</summary>
    public string Message { get; }

    /// <summary>The item concerned (a path, a name, a host), for PowerShell's TargetObject.</summary>
    public object? Target { get; }

    /// <summary>What the user can do about it.</summary>
    public string? RecommendedAction { get; }

    /// <summary>The underlying exception, when there was one.</summary>
    public Exception? Exception { get; }

    /// <summary>The message and the recommended action as one sentence pair, for text front ends.</summary>
    public string FullMessage => RecommendedAction is null ? Message : Message + " " + RecommendedAction;

    public override string ToString() => $"{ErrorId}: {FullMessage}";
}
