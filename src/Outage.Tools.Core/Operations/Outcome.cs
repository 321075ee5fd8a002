using System;

namespace Outage.Tools.Core.Operations;

/// <summary>What one step of an operation produced: a result, a per-item error, a warning or a verbose note.</summary>
public enum OutcomeKind
{
    Result,
    Error,
    Warning,
    Verbose,
}

/// <summary>
/// One item of an operation's output stream. Operations yield these in order; the front ends turn
/// <see cref="OutcomeKind.Result"/> into output objects, <see cref="OutcomeKind.Error"/> into per-item
/// errors (PowerShell WriteError, CLI stderr), and warnings and verbose notes into their streams.
/// Diagnostic findings (a malformed message, a failed check) are results, never errors.
/// </summary>
public readonly struct Outcome<T>
{
    private Outcome(OutcomeKind kind, T? value, ItemError? error, string? text)
    {
        Kind = kind;
        Value = value;
        Error = error;
        Text = text;
    }

    public OutcomeKind Kind { get; }

    /// <summary>The result, when <see cref="Kind"/> is <see cref="OutcomeKind.Result"/>.</summary>
    public T? Value { get; }

    /// <summary>The per-item error, when <see cref="Kind"/> is <see cref="OutcomeKind.Error"/>.</summary>
    public ItemError? Error { get; }

    /// <summary>The message of a warning or verbose note.</summary>
    public string? Text { get; }

    public static Outcome<T> Success(T value) => new(OutcomeKind.Result, value, null, null);

    public static Outcome<T> Failure(ItemError error) =>
        new(OutcomeKind.Error, default, error ?? throw new ArgumentNullException(nameof(error)), error.Message);

    public static Outcome<T> Warn(string text) => new(OutcomeKind.Warning, default, null, text);

    public static Outcome<T> Note(string text) => new(OutcomeKind.Verbose, default, null, text);

    public override string ToString() => Kind == OutcomeKind.Result ? $"Result: {Value}" : $"{Kind}: {Text}";
}
