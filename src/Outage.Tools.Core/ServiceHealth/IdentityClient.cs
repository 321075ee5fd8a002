using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Outage.Tools.Core.Operations;
using Outage.Tools.Core.Serialization;

namespace Outage.Tools.Core.ServiceHealth;

/// <summary>
/// Gets an access token for Graph without any library:
/// client credentials with a secret or a certificate (entra-docs v2-oauth2-client-creds-grant-flow.md: POST
/// {authority}/{tenant}/oauth2/v2.0/token, form fields client_id, scope={graph}/.default, grant_type=client_credentials
/// and client_secret or client_assertion_type + client_assertion), and managed identity (Azure Automation / App
/// Service: GET IDENTITY_ENDPOINT?resource=…&amp;api-version=2019-08-01 with X-IDENTITY-HEADER; elsewhere IMDS:
/// GET 169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&amp;resource=… with Metadata: true).
/// Tokens are kept in the connection's <see cref="AccessTokenCache"/>.
/// </summary>
internal static class IdentityClient
{
    public const string AutomationApiVersion = "2019-08-01";
    public const string ImdsApiVersion = "2018-02-01";
    public const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static async Task<AccessToken> GetTokenAsync(ServiceHealthConnection c, GraphHttp http, AccessTokenCache cache, CancellationToken ct)
    {
        var credential = c.Credential!;
        var key = CacheKey(c);
        var cached = cache.Get(key, DateTimeOffset.UtcNow);
        if (cached is not null)
        {
            http.Notes.Add($"Using the cached access token ({credential.Kind}), valid until {cached.ExpiresOn:u}.");
            return cached;
        }

        var token = credential switch
        {
            ClientSecretCredential s => await ClientCredentialsAsync(c, http, s, new KeyValuePair<string, string>("client_secret", s.Reveal()), ct).ConfigureAwait(false),
            ClientCertificateCredential cert => await ClientCredentialsAsync(c, http, cert,
                new KeyValuePair<string, string>("client_assertion", ClientAssertion.Create(cert, c.ClientId!, c.TokenEndpoint.AbsoluteUri, DateTimeOffset.UtcNow)), ct).ConfigureAwait(false),
            ManagedIdentityCredential mi => await ManagedIdentityAsync(c, http, mi, ct).ConfigureAwait(false),
            _ => throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid, OutageErrorCategory.InvalidArgument,
                $"The credential kind {credential.Kind} is not supported.", credential.Kind),
        };
        cache.Put(key, token);
        http.Notes.Add($"Got an access token ({credential.Kind}), valid until {token.ExpiresOn:u}.");
        return token;
    }

    internal static string CacheKey(ServiceHealthConnection c) =>
        string.Join("|", c.Authority.AbsoluteUri, c.TenantId, c.ClientId, c.Credential!.CacheKey, c.Scope);

    private static async Task<AccessToken> ClientCredentialsAsync(ServiceHealthConnection c, GraphHttp http, GraphCredential credential,
        KeyValuePair<string, string> proof, CancellationToken ct)
    {
        var endpoint = c.TokenEndpoint;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("client_id", c.ClientId!),
            new("scope", c.Scope),
            new("grant_type", "client_credentials"),
        };
        if (proof.Key == "client_assertion")
        {
            fields.Add(new KeyValuePair<string, string>("client_assertion_type", JwtBearer));
        }

        fields.Add(proof);
        var body = string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        var what = "the token endpoint " + endpoint.GetLeftPart(UriPartial.Path);
        http.Notes.Add($"Requesting a token from {what} for client {c.ClientId} ({credential.Kind}), scope {c.Scope}.");
        var answer = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        }, what, ct).ConfigureAwait(false);
        var json = ParseObject(answer, what, credential);
        if (answer.StatusCode != 200)
        {
            // Error shape: error, error_description (with AADSTSnnnnn), error_codes, timestamp, trace_id, correlation_id.
            var error = Str(json, "error") ?? "HTTP " + answer.StatusCode;
            var description = FirstLine(Str(json, "error_description"));
            var ids = string.Join(", ", new[] { ("trace_id", Str(json, "trace_id")), ("correlation_id", Str(json, "correlation_id")) }
                .Where(p => p.Item2 is not null).Select(p => p.Item1 + " " + p.Item2));
            throw new OutageException(ErrorIds.ServiceHealthAuthenticationFailed, OutageErrorCategory.AuthenticationError,
                credential.Redact($"The identity platform refused a token for client {c.ClientId} in tenant {c.TenantId} ({answer.StatusCode} {error}{(description is null ? string.Empty : ": " + description)}){(ids.Length == 0 ? string.Empty : " [" + ids + "]")}."),
                c.TenantId, AuthenticationAdvice(error, description, credential));
        }

        return TokenFrom(json, what, credential, expiresOnKey: null);
    }

    private static async Task<AccessToken> ManagedIdentityAsync(ServiceHealthConnection c, GraphHttp http, ManagedIdentityCredential mi, CancellationToken ct)
    {
        var endpoint = mi.Environment("IDENTITY_ENDPOINT");
        var header = mi.Environment("IDENTITY_HEADER");
        var clientPart = mi.ClientId is null ? string.Empty : "&client_id=" + Uri.EscapeDataString(mi.ClientId);
        Uri uri;
        string what;
        Func<HttpRequestMessage> build;
        if (!string.IsNullOrEmpty(endpoint) && !string.IsNullOrEmpty(header))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
            {
                throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid, OutageErrorCategory.InvalidArgument,
                    $"IDENTITY_ENDPOINT '{endpoint}' is not an http(s) URL.", endpoint, "Run in an Azure Automation account (or App Service) with a managed identity enabled.");
            }

            uri = new Uri(baseUri.AbsoluteUri + (baseUri.Query.Length == 0 ? "?" : "&") + "resource=" + Uri.EscapeDataString(c.Resource) +
                          "&api-version=" + AutomationApiVersion + clientPart);
            what = "the managed identity endpoint " + baseUri.GetLeftPart(UriPartial.Path);
            build = () =>
            {
                var r = new HttpRequestMessage(HttpMethod.Get, uri);
                r.Headers.TryAddWithoutValidation("X-IDENTITY-HEADER", header);
                r.Headers.TryAddWithoutValidation("Metadata", "true");
                return r;
            };
        }
        else
        {
            uri = new Uri(mi.ImdsEndpoint.GetLeftPart(UriPartial.Path) + "?api-version=" + ImdsApiVersion + "&resource=" + Uri.EscapeDataString(c.Resource) + clientPart);
            what = "the instance metadata service (IMDS) " + mi.ImdsEndpoint.GetLeftPart(UriPartial.Path);
            build = () =>
            {
                var r = new HttpRequestMessage(HttpMethod.Get, uri);
                r.Headers.TryAddWithoutValidation("Metadata", "true");
                return r;
            };
        }

        http.Notes.Add($"Requesting a managed identity token from {what} for {c.Resource}{(mi.ClientId is null ? " (system-assigned)" : " (user-assigned " + mi.ClientId + ")")}.");
        GraphAnswer answer;
        try
        {
            answer = await http.SendAsync(build, what, ct).ConfigureAwait(false);
        }
        catch (OutageException ex) when (ex.Error.ErrorId == ErrorIds.ServiceHealthTimeout || ex.Error.ErrorId == ErrorIds.ServiceHealthConnectionFailed)
        {
            throw new OutageException(new ItemError(ex.Error.ErrorId, ex.Error.Category, ex.Error.Message, what,
                "A managed identity works only inside Azure (Automation account, VM, App Service) with the identity enabled; elsewhere use a secret or certificate.", ex));
        }

        var json = ParseObject(answer, what, mi);
        if (answer.StatusCode != 200)
        {
            var message = Str(json, "Message") ?? Str(json, "error_description") ?? Str(json, "error") ?? "HTTP " + answer.StatusCode;
            throw new OutageException(ErrorIds.ServiceHealthAuthenticationFailed, OutageErrorCategory.AuthenticationError,
                mi.Redact($"{what} refused a token ({answer.StatusCode}): {FirstLine(message)}"), what,
                "Enable the managed identity (system-assigned, or give the user-assigned identity's -ManagedIdentityClientId) and grant it ServiceHealth.Read.All on Microsoft Graph (an app role assignment).");
        }

        return TokenFrom(json, what, mi, "expires_on");
    }

    private static AccessToken TokenFrom(Dictionary<string, object?> json, string what, GraphCredential credential, string? expiresOnKey)
    {
        var token = Str(json, "access_token");
        if (string.IsNullOrEmpty(token))
        {
            throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
                $"The answer of {what} has no access_token.", what, "Check the authority / managed identity endpoint address.");
        }

        var type = Str(json, "token_type");
        if (type is not null && !string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
                $"The answer of {what} has token_type '{type}', not Bearer.", what);
        }

        var now = DateTimeOffset.UtcNow;
        DateTimeOffset expires;
        if (Number(json, "expires_in") is double seconds && seconds > 0)
        {
            expires = now.AddSeconds(seconds);
        }
        else if (expiresOnKey is not null && Number(json, expiresOnKey) is double epoch && epoch > 0)
        {
            expires = DateTimeOffset.FromUnixTimeSeconds((long)epoch);
        }
        else
        {
            throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
                $"The answer of {what} does not say when the token expires (expires_in{(expiresOnKey is null ? string.Empty : " / " + expiresOnKey)}).", what);
        }

        return new AccessToken(token!, expires);
    }

    private static Dictionary<string, object?> ParseObject(GraphAnswer answer, string what, GraphCredential credential)
    {
        try
        {
            if (JsonValue.Parse(answer.Body) is Dictionary<string, object?> obj)
            {
                return obj;
            }
        }
        catch (FormatException)
        {
            // reported below
        }

        throw new OutageException(ErrorIds.ServiceHealthInvalidResponse, OutageErrorCategory.InvalidData,
            $"{what} answered {answer.StatusCode} without a JSON object{(answer.ContentType is null ? string.Empty : " (" + answer.ContentType + ")")}.", what,
            "Check the authority address (-Authority) and any proxy in between.");
    }

    private static string AuthenticationAdvice(string error, string? description, GraphCredential credential)
    {
        var d = description ?? string.Empty;
        if (d.Contains("AADSTS90002") || d.Contains("AADSTS900023"))
        {
            return "Check the tenant: give the Directory (tenant) ID GUID, and the authority of the tenant's cloud.";
        }

        if (d.Contains("AADSTS700016"))
        {
            return "Check the client id: the application is not registered in this tenant (or in this cloud).";
        }

        if (credential is ClientSecretCredential || d.Contains("AADSTS7000215") || d.Contains("AADSTS7000222"))
        {
            return "Check the client secret: give its Value (not its ID), and create a new one if it has expired.";
        }

        return error == "invalid_client"
            ? "Check that the certificate uploaded to the app registration is the one used (thumbprint) and not expired."
            : "Check the tenant, client id and credential of the app registration.";
    }

    internal static string? Str(Dictionary<string, object?> json, string key) =>
        json.TryGetValue(key, out var v) ? v switch
        {
            string s => s,
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => null,
        } : null;

    // expires_in/expires_on come as numbers from the token endpoint and as strings from the managed-identity endpoints.
    private static double? Number(Dictionary<string, object?> json, string key) =>
        json.TryGetValue(key, out var v) ? v switch
        {
            double d => d,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        } : null;

    private static string? FirstLine(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var line = text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        return line.Length > 400 ? line.Substring(0, 400) + "…" : line;
    }
}

/// <summary>
/// The client assertion of certificate-credentials.md: a JWT signed with the certificate's RSA key. Header
/// alg RS256 with x5t (base64url SHA-1 of the DER certificate) and x5t#S256 (base64url SHA-256), or alg PS256 with
/// x5t#S256 only; claims aud = the token endpoint, iss = sub = client id, jti = a new GUID, nbf = iat = now, exp = now + 5 min.
/// </summary>
internal static class ClientAssertion
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static string Create(ClientCertificateCredential credential, string clientId, string audience, DateTimeOffset now)
    {
        var cert = credential.Certificate;
        string x5t, x5tS256;
        using (var sha1 = SHA1.Create())
        {
            x5t = Base64Url(sha1.ComputeHash(cert.RawData));
        }

        using (var sha256 = SHA256.Create())
        {
            x5tS256 = Base64Url(sha256.ComputeHash(cert.RawData));
        }

        var pss = credential.Algorithm == ClientAssertionAlgorithm.PS256;
        var header = pss
            ? $"{{\"alg\":\"PS256\",\"typ\":\"JWT\",\"x5t#S256\":{Quote(x5tS256)}}}"
            : $"{{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":{Quote(x5t)},\"x5t#S256\":{Quote(x5tS256)}}}";
        var n = now.ToUnixTimeSeconds();
        var claims = $"{{\"aud\":{Quote(audience)},\"iss\":{Quote(clientId)},\"sub\":{Quote(clientId)},\"jti\":{Quote(Guid.NewGuid().ToString())}," +
                     $"\"nbf\":{n},\"iat\":{n},\"exp\":{n + (long)Lifetime.TotalSeconds}}}";
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(claims));
        using var rsa = cert.GetRSAPrivateKey() ?? throw new OutageException(ErrorIds.ServiceHealthCredentialInvalid,
            OutageErrorCategory.InvalidArgument, $"The private key of certificate {cert.Thumbprint} cannot be used for RSA signing.", cert.Thumbprint);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Quote(string s) => JsonWriter.Serialize(s);
}
