using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Outage.Tools.Core.Tests.Endpoints;

/// <summary>Certificates made in memory at test time (never committed): a test CA and leaves of every kind.</summary>
public sealed class TestPki : IDisposable
{
    public TestPki()
    {
        Ca = MakeCa("CN=Outage Test Root CA");
        RogueCa = MakeCa("CN=Rogue Root CA");
        var now = DateTimeOffset.UtcNow;
        Valid = Leaf(Ca, "CN=mail.contoso.test", now.AddDays(-1), now.AddDays(90),
            "mail.contoso.test", "autodiscover.contoso.test", "login.idp.test", "other.contoso.test", "localhost",
            "contoso.test", "fabrikam.test", "autodiscover.fabrikam.test", "northwind.test", "autodiscover.northwind.test",
            "autodiscover.outlook.test", "adatum.test", "autodiscover.adatum.test", "mail.adatum.test", "old.test", "autodiscover.old.test");
        Expired = Leaf(Ca, "CN=expired.contoso.test", now.AddDays(-60), now.AddDays(-2), "expired.contoso.test");
        NotYetValid = Leaf(Ca, "CN=future.contoso.test", now.AddDays(5), now.AddDays(60), "future.contoso.test");
        WrongName = Leaf(Ca, "CN=www.fabrikam.test", now.AddDays(-1), now.AddDays(60), "www.fabrikam.test");
        Untrusted = Leaf(RogueCa, "CN=rogue.contoso.test", now.AddDays(-1), now.AddDays(60), "rogue.contoso.test");
        Expiring = Leaf(Ca, "CN=soon.contoso.test", now.AddDays(-30), now.AddDays(3), "soon.contoso.test");
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 RogueCa { get; }

    public X509Certificate2 Valid { get; }

    public X509Certificate2 Expired { get; }

    public X509Certificate2 NotYetValid { get; }

    public X509Certificate2 WrongName { get; }

    public X509Certificate2 Untrusted { get; }

    public X509Certificate2 Expiring { get; }

    /// <summary>The certificate Kestrel presents for an SNI name.</summary>
    public X509Certificate2 ForSni(string? name) => name switch
    {
        "expired.contoso.test" => Expired,
        "future.contoso.test" => NotYetValid,
        "wrongname.contoso.test" => WrongName,
        "rogue.contoso.test" => Untrusted,
        "soon.contoso.test" => Expiring,
        _ => Valid,
    };

    /// <summary>The test CA as a PEM file (for curl --cacert).</summary>
    public string CaPem() =>
        "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(Ca.RawData, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";

    private static X509Certificate2 MakeCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        using var ca = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-5), DateTimeOffset.UtcNow.AddYears(5));
        return X509CertificateLoader.LoadPkcs12(ca.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 Leaf(X509Certificate2 ca, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        using var cert = req.Create(ca, notBefore, notAfter, serial);
        using var withKey = cert.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        foreach (var c in new[] { Ca, RogueCa, Valid, Expired, NotYetValid, WrongName, Untrusted, Expiring })
        {
            c.Dispose();
        }
    }
}
