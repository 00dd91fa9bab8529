namespace RepairNetwork.Server.Demo;

/// <summary>Placeholder replaced below.</summary>
public sealed class DemoNetworkLoader : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}
