using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

/// <summary>
/// With Orleans:Tls set, silos talk only to peers presenting the cluster certificate: a process that
/// reaches the silo port without it cannot join the cluster (and so cannot call grains past the API).
/// </summary>
public sealed class SiloTlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rn-silo-tls-").FullName;

    [Fact]
    public async Task Silos_sharing_the_cluster_certificate_form_one_cluster_and_a_silo_with_another_certificate_cannot_join()
    {
        await using var database = await TestDatabase.CreateAsync();
        var cluster = "tls-" + Guid.NewGuid().ToString("N")[..8];
        var clusterCertificate = Certificate("repairnetwork-silo");
        var strangerCertificate = Certificate("repairnetwork-silo"); // same name, different key

        await using var first = await ServerProcess.StartAsync("tls-A", database.ConnectionString, cluster, Settings(clusterCertificate));
        await using var second = await ServerProcess.StartAsync("tls-B", database.ConnectionString, cluster, Settings(clusterCertificate));
        await WaitForActiveSilos(database, cluster, 2);

        // The two silos work as one: an outlet created through one is read through the other.
        await first.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("TLS-0001", 30.2, 120.1, alwaysOpen: true) });
        Assert.Equal("TLS-0001", (await second.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "TLS-0001" })).Outlet.OutletId);

        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var stranger = await ServerProcess.StartAsync("tls-stranger", database.ConnectionString, cluster, Settings(strangerCertificate));
        });
        Assert.IsNotType<TimeoutException>(refused); // it gave up joining and exited, rather than serving half-joined

        Assert.Equal(2L, await database.ScalarAsync<long>($"SELECT count(*) FROM orleans_membership WHERE deployment_id = '{cluster}' AND status = 3"));
        Assert.Equal("TLS-0001", (await first.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "TLS-0001" })).Outlet.OutletId);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Dictionary<string, string> Settings(string certificatePath) => new()
    {
        ["Orleans:Tls:CertificatePath"] = certificatePath,
        ["Orleans:Membership:ProbeTimeout"] = "00:00:02",
        ["Orleans:Membership:MaxJoinAttemptTime"] = "00:00:15",
    };

    /// <summary>A self-signed certificate with its key, as a PKCS#12 file, like one an operator makes for a cluster.</summary>
    private string Certificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return path;
    }

    private static async Task WaitForActiveSilos(TestDatabase database, string cluster, long count)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            if (await database.ScalarAsync<long>($"SELECT count(*) FROM orleans_membership WHERE deployment_id = '{cluster}' AND status = 3") == count)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"the cluster never had {count} active silos");
    }
}
