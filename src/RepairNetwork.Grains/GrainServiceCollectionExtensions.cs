using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Locator;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.ServiceLevels;

namespace RepairNetwork.Grains;

public static class GrainServiceCollectionExtensions
{
    /// <summary>
    /// The per-silo services grains rely on: outlet index and its synchronizer, dispatcher, locator,
    /// clock, and the service event store (in memory unless the host registered another first).
    /// </summary>
    public static IServiceCollection AddRepairNetworkSiloServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Telemetry.RepairNetworkMetrics>();
        services.AddSingleton<IOutletIndex, OutletIndex>();
        services.AddSingleton<Calendars.IHolidayCalendarCache, Calendars.HolidayCalendarCache>();
        services.AddSingleton<Catalog.CapabilityCatalogCache>();
        services.AddSingleton<Appointments.JobTemplatesCache>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<Appointments.AppointmentOptions>>().Value.ToPolicy());
        services.AddSingleton<Appointments.SlotFinder>();
        services.AddSingleton<Calendars.HolidayCalendarSync>();
        services.AddSingleton<OutletIndexSynchronizer>();
        services.AddHostedService(sp => sp.GetRequiredService<OutletIndexSynchronizer>());
        // The one dispatch planner of the silo: lookups, dispatch, batch routing and outlets all ask it.
        services.AddSingleton(sp => new DispatchPlanner(sp.GetRequiredService<IOptions<DispatchOptions>>().Value.ToPolicy()));
        services.AddSingleton<Dispatcher>();
        services.AddSingleton<OutletLocator>();
        services.AddSingleton<Dispatch.BatchPlanner>();
        services.AddSingleton<Network.NetworkStatsReader>();
        services.TryAddSingleton<IServiceEventStore, InMemoryServiceEventStore>();
        services.TryAddSingleton<IStorageAvailability, AssumeStorageAvailable>();
        services.AddOptions<DispatchOptions>();
        services.AddOptions<Appointments.AppointmentOptions>();
        services.AddOptions<OutletIndexOptions>();
        return services;
    }
}
