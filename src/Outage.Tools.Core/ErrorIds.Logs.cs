namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    /// <summary>A mail log line that none of the readers understands (counted and located, never fatal).</summary>
    public const string LogLineInvalid = "LogLineInvalid";

    /// <summary>A mail log whose format (Postfix syslog, Exim mainlog, Exchange tracking CSV) cannot be recognised.</summary>
    public const string LogFormatUnknown = "LogFormatUnknown";

    /// <summary>A compressed log (.gz) that ends early or is corrupt.</summary>
    public const string LogCompressedDataInvalid = "LogCompressedDataInvalid";
}
