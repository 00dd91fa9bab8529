using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RepairNetwork.Server.Lifecycle;

/// <summary>Where this server is in its life, as far as a load balancer should care.</summary>
public enum ReadinessStage
{
    /// <summary>Started, but the index, the demo load or the warm-up is not done: calls would be slow or find nothing.</summary>
    WarmingUp,

    /// <summary>Warm: send traffic.</summary>
    Ready,

    /// <summary>Shutting down: still answering calls, but load balancers should stop sending new ones.</summary>
    Draining,
}

/// <summary>
/// This server's readiness beside the other checks (outlet index, database): NOT_SERVING until warm-up
/// has run, and again from the moment a shutdown begins, so traffic stops before the listener does.
/// </summary>
public sealed class Readiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ReadinessStage _stage = ReadinessStage.WarmingUp;

    public ReadinessStage Stage => _stage;

    /// <summary>Completes when the server first becomes ready (tests and tools wait on it).</summary>
    public Task FirstReady => _ready.Task;

    public void MarkReady()
    {
        // A shutdown that began during warm-up wins: never back to ready once draining.
        if (_stage == ReadinessStage.WarmingUp)
        {
            _stage = ReadinessStage.Ready;
            _ready.TrySetResult();
        }
    }

    public void MarkDraining() => _stage = ReadinessStage.Draining;
}

/// <summary>Reports <see cref="Readiness"/> to grpc.health.v1 and /healthz/ready.</summary>
public sealed class ReadinessHealthCheck(Readiness readiness) : IHealthCheck
{
    public const string Name = "warm-up";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.Stage switch
        {
            ReadinessStage.Ready => HealthCheckResult.Healthy("warm"),
            ReadinessStage.Draining => HealthCheckResult.Unhealthy("draining: shutting down"),
            _ => HealthCheckResult.Unhealthy("warming up"),
        });
}

/// <summary>Set by the demo loader when it has finished (loaded, or given up), so readiness can wait for the demo network.</summary>
public sealed class DemoLoadProgress
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    public void MarkDone() => _done.TrySetResult();
}
