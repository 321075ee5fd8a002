namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    /// <summary>An endpoint target (URI, host name, host:port, e-mail address) that cannot be used.</summary>
    public const string EndpointTargetInvalid = "EndpointTargetInvalid";

    /// <summary>The file given as trusted root certificate cannot be read as a certificate.</summary>
    public const string TrustedRootInvalid = "TrustedRootInvalid";

    /// <summary>An endpoint probe -Timeout / --timeout outside its range.</summary>
    public const string EndpointTimeoutInvalid = "EndpointTimeoutInvalid";
}
