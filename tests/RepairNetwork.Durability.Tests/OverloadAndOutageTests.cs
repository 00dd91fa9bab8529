using Grpc.Core;
using Grpc.Health.V1;
using Npgsql;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

/// <summary>A database outage is answered quickly and quietly: probes and callers get an answer, not a timeout.</summary>
public sealed class OverloadAndOutageTests
{
    private const int FailedCalls = 200;
    private const string RetryPushback = "grpc-retry-pushback-ms";

    [Fact]
    public async Task During_a_database_outage_health_answers_not_serving_to_a_1s_probe_calls_fail_unavailable_with_a_retry_hint_and_the_log_stays_short()
    {
        await using var database = await TestDatabase.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(direct.Host!, direct.Port);
        var settings = new Dictionary<string, string> { ["FailureLog:Interval"] = "00:00:02" };
        await using var server = await ServerProcess.StartAsync("quiet-outage", database.ConnectionStringVia("127.0.0.1", proxy.Port), "quiet-" + Guid.NewGuid().ToString("N")[..8], settings);
        var before = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("BJ-0001", 39.9, 116.4, alwaysOpen: true) })).Outlet;

        // Fresh outlets leave unsaved capacity hints in many directory shards, which save them in the
        // background (every 10 s): during the outage those saves must not fill the log either.
        await Task.WhenAll(Enumerable.Range(2, 40).Select(i => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet($"SH-{i:0000}", 39.9 + (i * 0.01), 116.4, alwaysOpen: true) }).ResponseAsync));

        proxy.Cut();
        var logBefore = Lines(server.Output).Length;

        // A load balancer's probe with a 1 s timeout gets an answer every time, and soon it is NOT_SERVING.
        var status = HealthCheckResponse.Types.ServingStatus.Unknown;
        for (var probe = 0; probe < 20 && status != HealthCheckResponse.Types.ServingStatus.NotServing; probe++)
        {
            status = (await server.Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(1))).Status;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, status);

        // Every write is answered within its 2 s deadline: UNAVAILABLE with a retry hint, never DEADLINE_EXCEEDED.
        var failures = await Task.WhenAll(Enumerable.Range(0, FailedCalls).Select(async i =>
        {
            var outlet = Samples.Outlet($"BJ-{1000 + i}", 39.95, 116.4, alwaysOpen: true);
            return await Assert.ThrowsAsync<RpcException>(() => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet }, deadline: DateTime.UtcNow.AddSeconds(2)).ResponseAsync);
        }));
        Assert.All(failures, f => Assert.Equal(StatusCode.Unavailable, f.StatusCode));
        Assert.All(failures, f => Assert.True(int.TryParse(f.Trailers.GetValue(RetryPushback), out var ms) && ms > 0, $"no {RetryPushback} trailer: {f}"));

        // Hundreds of failed calls leave a handful of lines (one per failure kind per interval), not one per call.
        await Task.Delay(TimeSpan.FromSeconds(11)); // past one background save tick, and several log intervals
        var outageLog = Lines(server.Output)[logBefore..];
        Assert.Contains(outageLog, l => l.Contains("storage unavailable", StringComparison.Ordinal) && l.Contains("calls failed", StringComparison.Ordinal));
        Assert.True(outageLog.Length <= 20, $"{outageLog.Length} log lines for {FailedCalls} failed calls:\n{string.Join('\n', outageLog.Take(30))}");

        proxy.Restore();
        await server.WaitUntilServingAsync(TimeSpan.FromSeconds(60));

        // Nothing was half-written, and the same writes now go through.
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_grain_state WHERE state_name = 'outlet' AND grain_id_extension LIKE 'BJ-1%'"));
        var created = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("BJ-1000", 39.95, 116.4, alwaysOpen: true) })).Outlet;
        Assert.Equal("BJ-1000", created.OutletId);
        Assert.Equal(before, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "BJ-0001" })).Outlet);
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_grain_state WHERE state_name = 'outlet' AND grain_id_extension = 'BJ-1000'"));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
