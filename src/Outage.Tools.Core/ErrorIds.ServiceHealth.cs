namespace Outage.Tools.Core;

public static partial class ErrorIds
{
    /// <summary>The identity platform (token endpoint or managed-identity endpoint) refused to issue a token.</summary>
    public const string ServiceHealthAuthenticationFailed = "ServiceHealthAuthenticationFailed";

    /// <summary>Graph answered 401: the token was not accepted (wrong tenant, cloud or audience, or expired).</summary>
    public const string ServiceHealthUnauthorized = "ServiceHealthUnauthorized";

    /// <summary>Graph answered 403: the application lacks ServiceHealth.Read.All (or ServiceMessage.Read.All for messages).</summary>
    public const string ServiceHealthForbidden = "ServiceHealthForbidden";

    /// <summary>Graph or the identity platform kept throttling (429/503) beyond the retries or the longest wait allowed.</summary>
    public const string ServiceHealthThrottled = "ServiceHealthThrottled";

    /// <summary>No answer within the timeout.</summary>
    public const string ServiceHealthTimeout = "ServiceHealthTimeout";

    /// <summary>Get-ServiceHealth -Timeout / -MaxRetryWait outside its range.</summary>
    public const string ServiceHealthTimeoutInvalid = "ServiceHealthTimeoutInvalid";

    /// <summary>The connection failed (name resolution, TCP, TLS certificate).</summary>
    public const string ServiceHealthConnectionFailed = "ServiceHealthConnectionFailed";

    /// <summary>An answer that is not the documented JSON shape (malformed JSON, missing value array, too large).</summary>
    public const string ServiceHealthInvalidResponse = "ServiceHealthInvalidResponse";

    /// <summary>Any other HTTP error status from Graph.</summary>
    public const string ServiceHealthRequestFailed = "ServiceHealthRequestFailed";

    /// <summary>The credential cannot be used (certificate without private key, not found in the store, no managed identity).</summary>
    public const string ServiceHealthCredentialInvalid = "ServiceHealthCredentialInvalid";
}
