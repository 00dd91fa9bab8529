using Grpc.Core;
using Grpc.Health.V1;
using Npgsql;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

public sealed class OutageTests
{
    [Fact]
    public async Task While_the_database_is_unreachable_writes_fail_unavailable_health_is_not_serving_and_the_server_recovers_by_itself()
    {
        await using var database = await TestDatabase.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(direct.Host!, direct.Port);
        await using var server = await ServerProcess.StartAsync("outage", database.ConnectionStringVia("127.0.0.1", proxy.Port), "outage-" + Guid.NewGuid().ToString("N")[..8]);

        var before = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("BJ-0001", 39.9, 116.4, alwaysOpen: true) })).Outlet;

        proxy.Cut();

        var failed = await Assert.ThrowsAsync<RpcException>(() => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("BJ-0002", 39.95, 116.4, alwaysOpen: true) }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await server.ServingStatusAsync());

        proxy.Restore();
        await server.WaitUntilServingAsync(TimeSpan.FromSeconds(60));

        // Nothing was half-written: the failed outlet does not exist, and creating it now works.
        var missing = await Assert.ThrowsAsync<RpcException>(() => server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "BJ-0002" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var created = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("BJ-0002", 39.95, 116.4, alwaysOpen: true) })).Outlet;
        Assert.Equal("BJ-0002", created.OutletId);
        Assert.Equal(before, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "BJ-0001" })).Outlet);
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_grain_state WHERE state_name = 'outlet' AND grain_id_extension = 'BJ-0002'"));
    }
}
