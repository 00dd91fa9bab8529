using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace RepairNetwork.Grains.Tests;

/// <summary>An in-process Orleans cluster with the silo services the grains need and a fake clock.</summary>
public sealed class ClusterFixture : ClusterFixtureBase<ClusterFixture.SiloConfigurator>
{
    /// <summary>Shared with the silo configurator: TestCluster builds silos from a type, not an instance.</summary>
    public static FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero));

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => ConfigureSilo(siloBuilder, Clock);
    }
}

/// <summary>
/// A cluster of its own for the lifecycle tests, with a clock of its own: they move time by hours and
/// days, which must not shift "today" under the capacity tests running alongside.
/// </summary>
public sealed class LifecycleClusterFixture : ClusterFixtureBase<LifecycleClusterFixture.SiloConfigurator>
{
    public static FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 18, 1, 0, 0, TimeSpan.Zero));

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => ConfigureSilo(siloBuilder, Clock);
    }
}

public abstract class ClusterFixtureBase<TConfigurator> : IAsyncLifetime where TConfigurator : ISiloConfigurator, new()
{
    public TestCluster Cluster { get; } = new TestClusterBuilder { Options = { InitialSilosCount = 1 } }
        .AddSiloBuilderConfigurator<TConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async ValueTask InitializeAsync() => await Cluster.DeployAsync();

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static void ConfigureSilo(ISiloBuilder siloBuilder, FakeTimeProvider clock)
    {
        siloBuilder.AddMemoryGrainStorage(StorageNames.Repair);
        siloBuilder.UseInMemoryReminderService();
        siloBuilder.Configure<Orleans.Hosting.ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(500));
        siloBuilder.Services.Configure<Orders.DispatchOptions>(o =>
        {
            o.UnassignedRetryPeriod = TimeSpan.FromSeconds(1);
            o.ServiceLevelCheckPeriod = TimeSpan.FromSeconds(1);
        });
        siloBuilder.Services.AddSingleton<TimeProvider>(clock);
        siloBuilder.Services.AddRepairNetworkSiloServices();
    }
}
