using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

/// <summary>What a load balancer sees of a server shutting down: NOT_SERVING first, calls still answered, then exit.</summary>
public sealed class ReadinessTests
{
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task On_sigterm_readiness_goes_not_serving_while_calls_are_still_answered_then_the_server_exits_cleanly()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync("drain", db.ConnectionString, "drain-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string>
        {
            ["Shutdown:DrainDelay"] = "00:00:05",
        });
        await server.Orders.CreateRepairOrderAsync(Samples.Order(30.1, 120.1)); // first call paid before the clock starts

        var clock = Stopwatch.StartNew();
        var calls = new System.Collections.Concurrent.ConcurrentBag<(TimeSpan Start, TimeSpan End, StatusCode Status)>();
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stopLoad.IsCancellationRequested; i++)
            {
                var start = clock.Elapsed;
                var status = StatusCode.OK;
                try
                {
                    await server.Orders.CreateRepairOrderAsync(Samples.Order(30.1 + (worker * 0.01), 120.1 + (i * 0.0001)), deadline: DateTime.UtcNow.AddSeconds(20));
                }
                catch (RpcException ex)
                {
                    status = ex.StatusCode;
                }

                calls.Add((start, clock.Elapsed, status));
                if (status != StatusCode.OK)
                {
                    await Task.Delay(50);
                }
            }
        })).ToArray();

        await Task.Delay(500);
        var terminatedAt = clock.Elapsed;
        await server.TerminateAsync();

        TimeSpan? notServingAt = null;
        while (!server.HasExited && clock.Elapsed < terminatedAt + TimeSpan.FromSeconds(60))
        {
            if (notServingAt is null && await server.ServingStatusAsync() == HealthCheckResponse.Types.ServingStatus.NotServing && !server.HasExited)
            {
                notServingAt = clock.Elapsed;
            }

            await Task.Delay(100);
        }

        await server.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var exitedAt = clock.Elapsed;
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(notServingAt is not null, $"readiness never reported NOT_SERVING before the process exited:\n{server.OutputTail}");
        Assert.True(notServingAt - terminatedAt < TimeSpan.FromSeconds(2.5), $"NOT_SERVING {(notServingAt - terminatedAt)?.TotalMilliseconds} ms after SIGTERM");
        Assert.True(exitedAt - terminatedAt >= DrainDelay, $"exited {(exitedAt - terminatedAt).TotalMilliseconds} ms after SIGTERM, within the drain delay");
        Assert.Equal(0, server.ExitCode);

        // Every call begun well within the drain delay — those in flight at SIGTERM and the ones a load
        // balancer still sends while it notices NOT_SERVING — completed successfully. (The margin is for
        // a loaded machine, where a call can take a second to reach the server.)
        var duringDrain = calls.Where(c => c.Start < terminatedAt + DrainDelay - TimeSpan.FromSeconds(1.5)).ToList();
        Assert.Contains(duringDrain, c => c.Start < terminatedAt && c.End > terminatedAt);
        Assert.Contains(duringDrain, c => c.Start > notServingAt);
        var failed = duringDrain.Where(c => c.Status != StatusCode.OK).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {duringDrain.Count} calls begun before the drain ended failed: {string.Join(", ", failed.Take(5))}\n{server.OutputTail}");
        Assert.Contains("readiness is NOT_SERVING", server.Output, StringComparison.Ordinal);
    }
}
