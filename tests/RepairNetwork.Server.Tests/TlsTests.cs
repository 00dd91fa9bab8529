using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>The production transport: Kestrel serving HTTPS from a certificate file named in configuration.</summary>
public sealed class TlsServerFixture : ServerFixture
{
    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"rn-tls-{Guid.NewGuid():N}.pfx");

    public TlsServerFixture()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=repairnetwork.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllBytes(_certificatePath, certificate.Export(X509ContentType.Pfx, "test-password"));
        Thumbprint = certificate.Thumbprint;
    }

    public string Thumbprint { get; }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Kestrel:Endpoints:Grpc:Url"] = "https://127.0.0.1:0",
        ["Kestrel:Endpoints:Grpc:Certificate:Path"] = _certificatePath,
        ["Kestrel:Endpoints:Grpc:Certificate:Password"] = "test-password",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_certificatePath);
    }
}

public sealed class TlsTests(TlsServerFixture server) : IClassFixture<TlsServerFixture>
{
    [Fact]
    public async Task Over_https_a_client_that_trusts_the_certificate_is_served_and_the_token_is_checked()
    {
        Assert.StartsWith("https://", server.Address, StringComparison.Ordinal);
        using var channel = Trusting(server.Mint("tls-client", Roles.Hq, null, TimeSpan.FromHours(1)));
        using var anonymous = Trusting(null);

        var outlet = (await new Api.OutletService.OutletServiceClient(channel).CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(Samples.UniqueId("TLS"), 22.5, 114.1) })).Outlet;
        var error = await Assert.ThrowsAsync<RpcException>(() => new Api.OutletService.OutletServiceClient(anonymous).GetOutletAsync(new Api.GetOutletRequest { OutletId = outlet.OutletId }).ResponseAsync);

        Assert.Equal(22.5, outlet.Location.Latitude);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_certificate_gets_no_connection()
    {
        using var channel = RepairNetworkChannel.Create(server.Address, server.Mint("tls-client", Roles.Hq, null, TimeSpan.FromHours(1)));

        var error = await Assert.ThrowsAsync<RpcException>(() => new Api.OutletService.OutletServiceClient(channel).ListOutletsAsync(new Api.ListOutletsRequest()).ResponseAsync);

        // The TLS handshake fails on the client: the request never reaches the server.
        Assert.IsType<System.Security.Authentication.AuthenticationException>(error.Status.DebugException?.InnerException);
    }

    private GrpcChannel Trusting(string? token) => RepairNetworkChannel.Create(server.Address, token, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // Trust exactly this test certificate, as a client pinned to the brand's CA would.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 presented && presented.Thumbprint == server.Thumbprint,
            },
        },
        DisposeHttpClient = true,
    });
}
