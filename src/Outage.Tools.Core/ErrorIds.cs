namespace Outage.Tools.Core;

/// <summary>
/// Every stable error id, in one class (partial: one file per capability, ErrorIds.&lt;Area&gt;.cs).
/// These strings are API: scripts match on them, so never change or reuse one.
/// </summary>
public static partial class ErrorIds
{
    /// <summary>An argument that cannot be used as given (bad wildcard, out-of-range value, conflicting options).</summary>
    public const string InvalidArgument = "InvalidArgument";

    /// <summary>A path that does not exist.</summary>
    public const string PathNotFound = "PathNotFound";

    /// <summary>A file or folder that exists but cannot be read.</summary>
    public const string PathNotReadable = "PathNotReadable";

    /// <summary>An external tool (postqueue, exim, …) that is not installed or not on PATH.</summary>
    public const string ToolNotFound = "ToolNotFound";

    /// <summary>An unexpected failure inside an operation; a bug to report.</summary>
    public const string InternalError = "InternalError";
}
