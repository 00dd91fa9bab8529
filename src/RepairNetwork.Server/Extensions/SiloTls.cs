using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace RepairNetwork.Server.Extensions;

/// <summary>
/// Mutual TLS between silos (Orleans:Tls). Grain calls between silos pass no access rule, so a process
/// that reaches the silo port could otherwise call any grain: with TLS on, a silo talks only to peers
/// that present the cluster's certificate (or one listed in AllowedThumbprints, for rotation), and
/// the traffic is encrypted. Without Orleans:Tls:CertificatePath the silo port is plain TCP and must
/// be reachable only by the other silos (README, "Deployment isolation").
/// </summary>
public sealed class SiloTls
{
    private SiloTls(X509Certificate2 certificate, IReadOnlySet<string> allowed)
    {
        Certificate = certificate;
        Allowed = allowed;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>Thumbprints of the certificates a peer silo may present: ours plus any listed.</summary>
    public IReadOnlySet<string> Allowed { get; }

    /// <summary>Null when Orleans:Tls:CertificatePath is not set; refuses to start on a certificate it cannot use.</summary>
    public static SiloTls? From(IConfigurationSection section)
    {
        var path = section.GetValue<string?>("CertificatePath");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Orleans:Tls:CertificatePath: no file at '{path}'");
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, section.GetValue<string?>("CertificatePassword"));
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"Orleans:Tls:CertificatePath: '{path}' holds no private key (a PKCS#12 file with the key is needed)");
        }

        var allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { certificate.Thumbprint };
        foreach (var thumbprint in section.GetSection("AllowedThumbprints").Get<string[]>() ?? [])
        {
            allowed.Add(thumbprint.Replace(":", string.Empty, StringComparison.Ordinal).Trim());
        }

        return new SiloTls(certificate, allowed);
    }

    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;

        // Peers are pinned by certificate, not by name or chain: the silos share a cluster certificate
        // (often self-signed), and a certificate from any public CA must not be enough to join.
        options.RemoteCertificateValidation = (certificate, _, _) => certificate is not null && Allowed.Contains(certificate.Thumbprint);
        options.OnAuthenticateAsClient = (_, client) => client.TargetHost = Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }
}
