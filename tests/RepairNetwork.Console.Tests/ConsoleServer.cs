using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Server.Extensions;
using Api = RepairNetwork.Contracts.V1;

[assembly: AssemblyFixture(typeof(RepairNetwork.Console.Tests.ConsoleServer))]

namespace RepairNetwork.Console.Tests;

/// <summary>
/// The real server (same wiring as Program.cs) in the Development environment with the demo network,
/// on free loopback ports: gRPC (HTTP/2) for the test's own calls, and the HTTP/1.1 Web endpoint the
/// browser opens the console on. Real clock, in-memory storage.
/// </summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    public const int DemoOutlets = 2000;

    private WebApplication? _app;
    private readonly List<GrpcChannel> _channels = [];

    /// <summary>The console's address, e.g. http://127.0.0.1:40123/console/ (an IP: the browser resolves no host names).</summary>
    public string ConsoleUrl => WebAddress + "/console/";

    public string WebAddress { get; private set; } = string.Empty;

    public string GrpcAddress { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var (grpc, web, management, silo) = (FreePort(), FreePort(), FreePort(), FreePort());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpc}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{web}",
            ["Kestrel:Endpoints:Web:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Management:Url"] = $"http://127.0.0.1:{management}",
            ["Kestrel:Endpoints:Management:Protocols"] = "Http1",
            ["Orleans:SiloPort"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "console-" + Guid.NewGuid().ToString("N"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Demo:Enabled"] = "true",
            // The development key, as `dotnet run` in Development has it: the console's dev sign-in signs with it.
            ["Auth:SigningKeys:0:KeyId"] = AccessTokens.DevelopmentKeyId,
            ["Auth:SigningKeys:0:Secret"] = AccessTokens.DevelopmentKey,
            ["RateLimit:Roles:outlet:PermitsPerSecond"] = "500",
            // Warm-up's private bookings and lookups, fewer: they would only take CPU from the browser tests.
            ["Warmup:BookingRehearsals"] = "100",
            ["Warmup:LookupRehearsals"] = "100",
        });
        builder.AddRepairNetworkSilo();
        builder.AddRepairNetworkApi();
        _app = builder.Build();
        _app.MapRepairNetworkApi();
        await _app.StartAsync();
        GrpcAddress = $"http://127.0.0.1:{grpc}";
        WebAddress = $"http://127.0.0.1:{web}";
        await WaitForDemoNetwork();
    }

    private async Task WaitForDemoNetwork()
    {
        var network = new Api.NetworkService.NetworkServiceClient(Channel(Roles.Hq));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var stats = await network.GetNetworkStatsAsync(new Api.GetNetworkStatsRequest { PageSize = 1 });
            if (stats.Totals.Outlets >= DemoOutlets)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the demo network did not load in 2 minutes ({stats.Totals.Outlets} outlets)");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>A gRPC channel whose calls carry a development token for the role (and outlet).</summary>
    public GrpcChannel Channel(string role, string? outletId = null)
    {
        var channel = RepairNetworkChannel.Create(GrpcAddress, AccessTokens.Mint($"console-tests-{role}-{outletId}", role, outletId, TimeSpan.FromHours(1)));
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
