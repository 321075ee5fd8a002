namespace Outage.Tools.Core.Operations;

/// <summary>
/// Progress of a long operation, reported through <see cref="System.IProgress{T}"/>. The module shows it with
/// WriteProgress; the CLI ignores it. Reports may come from any thread.
/// </summary>
public sealed class OperationProgress
{
    public OperationProgress(string activity, string status, int percentComplete = -1, string? currentOperation = null)
    {
        Activity = activity;
        Status = status;
        PercentComplete = percentComplete < -1 ? -1 : percentComplete > 100 ? 100 : percentComplete;
        CurrentOperation = currentOperation;
    }

    /// <summary>What is being done, e.g. "Checking MIME messages".</summary>
    public string Activity { get; }

    /// <summary>Where it stands, e.g. "1,204 of 20,000 files".</summary>
    public string Status { get; }

    /// <summary>0-100, or -1 when the total is not known.</summary>
    public int PercentComplete { get; }

    /// <summary>The item at hand, e.g. a file name.</summary>
    public string? CurrentOperation { get; }

    /// <summary>Progress as a fraction of a known total.</summary>
    public static OperationProgress Of(string activity, long done, long total, string? current = null) =>
        new(activity, $"{done:N0} of {total:N0}", total > 0 ? (int)(done * 100 / total) : -1, current);
}
