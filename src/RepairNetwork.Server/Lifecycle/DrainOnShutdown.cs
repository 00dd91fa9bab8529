namespace RepairNetwork.Server.Lifecycle;

public sealed class ShutdownOptions
{
    /// <summary>
    /// How long the server keeps answering after a shutdown begins (SIGTERM) while reporting NOT_SERVING,
    /// so load balancers and proxies see it and stop sending before the listener closes.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After the drain: time for in-flight calls to finish and Orleans to hand off its grains.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The first thing a shutdown does: readiness goes NOT_SERVING, then the server waits
/// <see cref="ShutdownOptions.DrainDelay"/> still serving every call. Only then do the hosted services
/// stop, the web host first (it is started last): Kestrel stops accepting and lets in-flight calls finish,
/// then the Orleans silo shuts down gracefully.
/// </summary>
public sealed partial class DrainOnShutdown(Readiness readiness, Microsoft.Extensions.Options.IOptions<ShutdownOptions> options, ILogger<DrainOnShutdown> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before any hosted service's StopAsync, Kestrel's included.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.MarkDraining();
        var delay = options.Value.DrainDelay;
        LogDraining(delay.TotalSeconds);
        if (delay > TimeSpan.Zero)
        {
            try
            {
                // Real time on purpose: load balancers poll on the wall clock, not on the server's TimeProvider.
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ran out: stop now.
            }
        }

        LogDrained();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: readiness is NOT_SERVING; still serving for the {Seconds} s drain delay (Shutdown:DrainDelay)")]
    private partial void LogDraining(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain delay over: finishing in-flight calls, then stopping the silo")]
    private partial void LogDrained();
}
