using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace RepairNetwork.Grains.Tests;

/// <summary>An in-process Orleans cluster with the silo services the grains need and a fake clock.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Shared with the silo configurator: TestCluster builds silos from a type, not an instance.</summary>
    public static FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; } = new TestClusterBuilder { Options = { InitialSilosCount = 1 } }
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async ValueTask InitializeAsync() => await Cluster.DeployAsync();

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(StorageNames.Repair);
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.Configure<Orleans.Hosting.ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(500));
            siloBuilder.Services.Configure<Orders.DispatchOptions>(o => o.UnassignedRetryPeriod = TimeSpan.FromSeconds(1));
            siloBuilder.Services.AddSingleton<TimeProvider>(Clock);
            siloBuilder.Services.AddRepairNetworkSiloServices();
        }
    }
}
