using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;
using RepairNetwork.Server.Overload;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Holds GetOutlet calls for ids starting with "HOLD-" inside the server until released, so a test can
/// keep an exact number of calls in flight without relying on timing.
/// </summary>
public sealed class CallGate : Interceptor
{
    public const string HeldPrefix = "HOLD-";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    public int Held => Volatile.Read(ref _held);

    public void Release() => _release.TrySetResult();

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (request is Api.GetOutletRequest { OutletId: var id } && id.StartsWith(HeldPrefix, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _held);
            await _release.Task;
        }

        return await continuation(request, context);
    }
}

/// <summary>A server that works on at most two unary calls at once, with a gate to hold calls open.</summary>
public sealed class SheddingServerFixture : ServerFixture
{
    public const int MaxConcurrentCalls = 2;
    public const int RetryAfterMs = 300;

    public CallGate Gate { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Overload:MaxConcurrentCalls"] = MaxConcurrentCalls.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Overload:RetryAfter"] = TimeSpan.FromMilliseconds(RetryAfterMs).ToString(),
        ["FailureLog:Interval"] = "00:00:10",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Gate);

        // Innermost: a held call has passed shedding and access control, so it holds a permit.
        services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<CallGate>());
    }
}

/// <summary>Overload is refused at once with a retry hint; accepted calls, health and later calls are unaffected.</summary>
public sealed class LoadSheddingTests(SheddingServerFixture server) : IClassFixture<SheddingServerFixture>
{
    private static DateTime Generous => DateTime.UtcNow.AddSeconds(30);

    [Fact]
    public async Task Calls_over_the_concurrency_limit_are_refused_at_once_with_a_retry_hint_and_the_accepted_ones_complete()
    {
        var before = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(Samples.UniqueId("SH"), 39.9, 116.4) })).Outlet;
        var held = Enumerable.Range(0, SheddingServerFixture.MaxConcurrentCalls)
            .Select(i => server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = $"{CallGate.HeldPrefix}{i}" }, deadline: Generous).ResponseAsync)
            .ToList();
        await WaitUntil(() => server.Gate.Held == SheddingServerFixture.MaxConcurrentCalls);

        // A generous deadline: without shedding this call would wait behind the held ones and time out instead.
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = before.OutletId }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal($"server busy, retry after {SheddingServerFixture.RetryAfterMs} ms", refused.Status.Detail);
        Assert.Equal(SheddingServerFixture.RetryAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Trailers.GetValue(LoadSheddingInterceptor.RetryPushbackTrailer));
        var details = refused.GetRpcStatus()!.Details;
        Assert.Equal("SERVER_BUSY", Assert.Single(details, d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>().Reason);
        Assert.Equal(TimeSpan.FromMilliseconds(SheddingServerFixture.RetryAfterMs), Assert.Single(details, d => d.Is(Google.Rpc.RetryInfo.Descriptor)).Unpack<Google.Rpc.RetryInfo>().RetryDelay.ToTimeSpan());

        // Probes are never shed: a busy server is still a serving one.
        var health = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest(), deadline: Generous);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        server.Gate.Release();
        foreach (var call in held)
        {
            var notFound = await Assert.ThrowsAsync<RpcException>(() => call);
            Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        }

        Assert.Equal(before, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = before.OutletId }, deadline: Generous)).Outlet);

        // Refusals are counted, not logged one by one: one line for the interval, with the count.
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        await WaitUntil(() => SheddingLines().Count > 0);
        var line = Assert.Single(SheddingLines());
        Assert.Contains("1 calls failed", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal); // no stack trace
    }

    private List<string> SheddingLines() =>
        server.Logs.Lines.Where(l => l.Contains("server busy, calls shed", StringComparison.Ordinal)).ToList();

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
