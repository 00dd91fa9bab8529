using RepairNetwork.Grains;

namespace RepairNetwork.Server.Extensions;

public static class SiloExtensions
{
    /// <summary>
    /// Hosts the Orleans silo in this process. Development default: one silo, localhost clustering,
    /// in-memory grain storage: nothing to set up.
    /// </summary>
    public static WebApplicationBuilder AddRepairNetworkSilo(this WebApplicationBuilder builder)
    {
        var orleans = builder.Configuration.GetSection("Orleans");
        var siloPort = orleans.GetValue("SiloPort", 11111);
        var gatewayPort = orleans.GetValue("GatewayPort", 30000);
        var clusterId = orleans.GetValue("ClusterId", "repairnetwork-dev")!;
        var serviceId = orleans.GetValue("ServiceId", "repairnetwork")!;
        var storageMode = builder.Configuration.GetValue("Storage:Mode", "memory")!;

        if (!string.Equals(storageMode, "memory", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Storage:Mode '{storageMode}' is not supported; use 'memory'.");
        }

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: clusterId);
            silo.AddMemoryGrainStorage(StorageNames.Repair);
        });

        builder.Services.AddRepairNetworkSiloServices();
        builder.Services.Configure<Grains.Orders.DispatchOptions>(builder.Configuration.GetSection("Dispatch"));
        builder.Services.Configure<Grains.Directory.OutletIndexOptions>(builder.Configuration.GetSection("OutletIndex"));
        return builder;
    }
}
