using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Orleans.Runtime;

namespace RepairNetwork.Server.Tests;

/// <summary>A server whose configuration still names a gateway port, as configurations from before the gateway was dropped do.</summary>
public sealed class StaleGatewaySettingFixture : ServerFixture
{
    public int StaleGatewayPort { get; } = FreeLoopbackPort();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Orleans:GatewayPort"] = StaleGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Grains are reachable only through the gRPC API and its access rules: the silo opens no Orleans
/// gateway, and its silo-to-silo port listens only on the configured address (loopback by default).
/// </summary>
public sealed class SiloIsolationTests(StaleGatewaySettingFixture server) : IClassFixture<StaleGatewaySettingFixture>
{
    private static async Task<bool> Accepts(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        try
        {
            await client.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_silo_opens_no_Orleans_gateway_even_when_a_gateway_port_is_configured()
    {
        var silo = server.Services.GetRequiredService<ILocalSiloDetails>();

        Assert.Null(silo.GatewayAddress);
        Assert.False(await Accepts(IPAddress.Loopback, server.StaleGatewayPort));
    }

    [Fact]
    public async Task The_silo_port_listens_only_on_loopback_by_default()
    {
        var siloPort = server.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.Port;
        var otherAddresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();

        Assert.True(await Accepts(IPAddress.Loopback, siloPort));
        foreach (var address in otherAddresses)
        {
            Assert.False(await Accepts(address, siloPort), $"the silo port {siloPort} answers on {address}");
        }
    }
}
