using System.Text.Json;
using Grpc.Health.V1;
using Npgsql;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

/// <summary>
/// The README's PostgreSQL commands, as a new user runs them:
/// <code>
/// export ConnectionStrings__RepairNetwork="$(tools/dev-postgres.sh)"
/// dotnet run --project src/RepairNetwork.Server -- --Storage:Mode=postgres --demo
/// </code>
/// Nothing else is set: no pool size, no timeouts. The server must start, load the demo network and
/// keep running on this machine's PostgreSQL with its default 100 connections.
/// </summary>
public sealed class ReadmeStartTests
{
    [Fact]
    public async Task The_readme_postgres_commands_start_a_server_that_serves_the_demo_network_and_keeps_running()
    {
        await using var db = await TestDatabase.CreateAsync();

        // What tools/dev-postgres.sh prints: the throw-away database, without the bounded pool
        // TestDatabase adds for the other tests — the server's own defaults are what is under test.
        var readmeConnection = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = db.ConnectionString };
        readmeConnection.Remove("Maximum Pool Size");
        readmeConnection.Remove("Pooling");
        Assert.Equal(100, new NpgsqlConnectionStringBuilder(readmeConnection.ConnectionString).MaxPoolSize); // Npgsql's default

        var grpcPort = ServerProcess.NewPort();
        var arguments = new[]
        {
            // The README's arguments.
            "--Storage:Mode=postgres",
            "--demo",
            // Deviation: ports of their own, so the test does not clash with a server a developer (or
            // another test) runs on the README's 5080-5082 and 11111. Nothing else differs.
            $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{grpcPort}",
            $"--Kestrel:Endpoints:Management:Url=http://127.0.0.1:{ServerProcess.NewPort()}",
            $"--Kestrel:Endpoints:Web:Url=http://127.0.0.1:{ServerProcess.NewPort()}",
            $"--Orleans:SiloPort={ServerProcess.NewPort()}",
        };
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__RepairNetwork"] = readmeConnection.ConnectionString,
            // What `dotnet run` sets through Properties/launchSettings.json.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };

        // Development's published key (appsettings.Development.json), as the README's walkthrough uses it.
        var development = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json")));
        var key = development.RootElement.GetProperty("Auth").GetProperty("SigningKeys")[0];
        await using var server = ServerProcess.Launch("readme", arguments, environment, $"http://127.0.0.1:{grpcPort}", key.GetProperty("Secret").GetString()!, key.GetProperty("KeyId").GetString()!);

        await server.WaitUntilServingAsync(TimeSpan.FromMinutes(3));

        // SERVING means the demo network is there: a lookup in Shanghai finds its outlets at once.
        var found = await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = 31.2304, Longitude = 121.4737 },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
            Limit = 5,
        });
        Assert.Equal(5, found.Candidates.Count);
        Assert.Contains("Demo network loaded: 2000 outlets", server.Output, StringComparison.Ordinal);

        // And it keeps running: no background failure shuts the host down after the load.
        await Task.Delay(TimeSpan.FromSeconds(20));
        Assert.False(server.HasExited, $"the server exited with {(server.HasExited ? server.ExitCode : 0)}:\n{server.OutputTail}");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await server.ServingStatusAsync());
        Assert.DoesNotContain("53300", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("BackgroundService failed", server.Output, StringComparison.Ordinal);
    }
}
