using System.Net;
using Grpc.Health.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>A server whose warm-up is held back (Warmup:StartDelay), so a test sees it before it is warm.</summary>
public sealed class SlowWarmupFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Warmup:StartDelay"] = "00:00:08",
        ["Logging:LogLevel:RepairNetwork.Server.Lifecycle"] = "Information",
    };

    protected override bool WaitUntilReady => false;
}

public sealed class WarmupTests(SlowWarmupFixture server) : IClassFixture<SlowWarmupFixture>
{
    [Fact]
    public async Task Readiness_is_not_serving_until_warm_up_has_run_even_with_the_index_loaded()
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.ManagementAddress) };
        var health = new Health.HealthClient(server.Channel);

        // The index loads within a poll; warm-up is still held back: not ready, and saying why.
        string body = "";
        for (var i = 0; i < 50 && !body.Contains("\"outlet-index\":{\"status\":\"Healthy\"", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            var early = await http.GetAsync("/healthz/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            body = await early.Content.ReadAsStringAsync();
        }

        Assert.Contains("\"outlet-index\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"warm-up\":{\"status\":\"Unhealthy\",\"description\":\"warming up\"}", body, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains("Warm-up finished", StringComparison.Ordinal));

        // Then warm-up runs, logs what it did, and the server reports SERVING on both.
        var status = HealthCheckResponse.Types.ServingStatus.NotServing;
        for (var i = 0; i < 300 && status != HealthCheckResponse.Types.ServingStatus.Serving; i++)
        {
            await Task.Delay(100);
            status = (await health.CheckAsync(new HealthCheckRequest())).Status;
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/ready")).StatusCode);
        Assert.Contains(server.Logs.Lines, line => line.Contains("Warm-up finished", StringComparison.Ordinal) && line.Contains("reporting SERVING", StringComparison.Ordinal));
    }
}
