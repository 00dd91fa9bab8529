using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace RepairNetwork.Grains.Tests;

/// <summary>An in-process Orleans cluster with the silo services the grains need and a fake clock.</summary>
public sealed class ClusterFixture : ClusterFixtureBase<ClusterFixture.SiloConfigurator>
{
    protected override FakeTimeProvider SiloClock => Clock;

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
    protected override FakeTimeProvider SiloClock => Clock;

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

    /// <summary>The silo's service event store: not a grain, so tests reach it through the silo's services.</summary>
    public ServiceLevels.IServiceEventStore ServiceEvents =>
        Cluster.Primary is InProcessSiloHandle silo
            ? silo.ServiceProvider.GetRequiredService<ServiceLevels.IServiceEventStore>()
            : throw new InvalidOperationException("the cluster has no in-process silo");

    protected abstract FakeTimeProvider SiloClock { get; }

    public async ValueTask InitializeAsync()
    {
        await Cluster.DeployAsync();

        // Every order now registers a reminder, and the reminder service finishes starting on the
        // silo's clock: nudge the fake clock until a first registration (an order nobody can take,
        // far from every test outlet) goes through, so no test meets a half-started service.
        var warmUp = Cluster.GrainFactory.GetGrain<Orders.IRepairOrderGrain>("RO-WARMUP").Create(
            Domain.Orders.RepairRequests.Create(
                "warm-up",
                Domain.Orders.RepairRequests.CreateCustomer("Warm Up", "+86 000 0000", "", addressRequired: false),
                Domain.Orders.RepairRequests.CreateProduct("phone", "X", "SN", new DateOnly(2026, 1, 1)),
                "reminder service warm-up",
                new Domain.Dispatch.JobRequirement { Capability = "warm.up", Mode = Domain.Outlets.ServiceMode.CarryIn, CustomerLocation = new Domain.Geo.GeoPoint(89.9, 0) }),
            new Domain.Orders.Actor { Role = Domain.Orders.ActorRole.Platform, Id = "fixture" });
        while (!warmUp.IsCompleted)
        {
            SiloClock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(warmUp, Task.Delay(100));
        }

        await warmUp;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static void ConfigureSilo(ISiloBuilder siloBuilder, FakeTimeProvider clock)
    {
        // Binary grain state as the server uses (SiloExtensions): the memory provider's default JSON cannot
        // rebuild an outlet's time zone, and grains collected while the fake clock races ahead reactivate.
        siloBuilder.AddMemoryGrainStorage(StorageNames.Repair, options => options.Configure<IServiceProvider>((o, services) =>
            o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<Orleans.Storage.OrleansGrainStorageSerializer>(services)));
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
