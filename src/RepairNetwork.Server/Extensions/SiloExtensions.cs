using System.Net;
using Npgsql;
using Orleans.Storage;
using RepairNetwork.Grains;
using RepairNetwork.Grains.ServiceLevels;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Extensions;

public static class SiloExtensions
{
    private const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Orleans' "no gateway" port. The gRPC API runs in the silo's own process and calls grains
    /// directly; no Orleans client exists, so a gateway would only be a way past the API's access
    /// rules to the grains for anyone who reaches the port.
    /// </summary>
    public const int NoGateway = 0;

    /// <summary>
    /// Hosts the Orleans silo in this process. Storage:Mode=memory (default): one silo, localhost
    /// clustering, in-memory state — nothing to set up. Storage:Mode=postgres: grain state, cluster
    /// membership, reminders and service events in PostgreSQL, so several silos form one cluster and
    /// nothing is lost across restarts; the schema is migrated before the silo starts.
    /// </summary>
    public static WebApplicationBuilder AddRepairNetworkSilo(this WebApplicationBuilder builder)
    {
        var orleans = builder.Configuration.GetSection("Orleans");
        var siloPort = orleans.GetValue("SiloPort", 11111);
        var clusterId = orleans.GetValue("ClusterId", "repairnetwork-dev")!;
        var serviceId = orleans.GetValue("ServiceId", "repairnetwork")!;
        var advertisedAddress = IPAddress.Parse(orleans.GetValue("AdvertisedIPAddress", "127.0.0.1")!);
        var listenOnAnyHostAddress = orleans.GetValue("ListenOnAnyHostAddress", false);
        var storage = StorageSettings.From(builder.Configuration);
        builder.Services.AddSingleton(storage);

        // Orleans:Kubernetes=true (deploy/k8s): Orleans' Kubernetes hosting names the silo after its pod,
        // advertises the pod IP (unless Orleans:AdvertisedIPAddress is set), listens on any address, and
        // declares silos whose pods are gone dead at once. Clustering stays in PostgreSQL.
        var kubernetes = orleans.GetValue("Kubernetes", false);
        if (kubernetes && storage.Mode != StorageMode.Postgres)
        {
            throw new InvalidOperationException("Orleans:Kubernetes=true needs Storage:Mode=postgres: in memory mode every pod would be a separate one-silo cluster with its own data.");
        }

        var advertisedAddressSet = orleans["AdvertisedIPAddress"] is { Length: > 0 };

        if (storage.Mode == StorageMode.Postgres)
        {
            // Registered before the silo: hosted services start in order, so the schema is in place first.
            builder.Services.AddHostedService<SchemaMigrationService>();

            // Ahead of AddRepairNetworkSiloServices, whose in-memory store is only a fallback.
            builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(storage.ConnectionString!));
            builder.Services.AddSingleton<IServiceEventStore, PostgresServiceEventStore>();
        }

        var minimumReminderPeriod = orleans.GetValue("MinimumReminderPeriod", TimeSpan.FromMinutes(1));
        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Hosting.ReminderOptions>(o => o.MinimumReminderPeriod = minimumReminderPeriod);
            if (storage.Mode == StorageMode.Memory)
            {
                // Gateway port 0: no Orleans client gateway (see NoGateway).
                silo.UseLocalhostClustering(siloPort, gatewayPort: NoGateway, serviceId: serviceId, clusterId: clusterId);
                // The same Orleans binary format as on PostgreSQL: the memory provider's default JSON
                // serializer cannot rebuild our immutable records (e.g. an outlet's time zone), so a grain
                // collected while idle could not be activated again; the binary form is also far smaller.
                silo.AddMemoryGrainStorage(StorageNames.Repair, options => options.Configure<IServiceProvider>((o, services) =>
                    o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(services)));
                silo.UseInMemoryReminderService();
                return;
            }

            silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });

            // Failure detection and call timeouts are operator settings (Orleans:Membership:ProbeTimeout, ...).
            silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(orleans.GetSection("Membership"));
            silo.Configure<Orleans.Configuration.SiloMessagingOptions>(orleans.GetSection("Messaging"));
            silo.Configure<Orleans.Configuration.EndpointOptions>(o =>
            {
                // On Kubernetes without an explicit address the hosting advertises the pod IP.
                if (!kubernetes || advertisedAddressSet)
                {
                    o.AdvertisedIPAddress = advertisedAddress;
                }

                o.SiloPort = siloPort;
                o.GatewayPort = NoGateway;

                // Not ConfigureEndpoints(..., listenOnAnyHostAddress: true): that also sets a gateway
                // listening endpoint, on port 0, i.e. opens a gateway on a random port.
                if (listenOnAnyHostAddress)
                {
                    o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, siloPort);
                }
            });
            if (SiloTls.From(orleans.GetSection("Tls")) is { } tls)
            {
                silo.UseTls(tls.Configure);
            }

            if (kubernetes)
            {
                silo.UseKubernetesHosting();
            }

            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = storage.ConnectionString;
            });
            silo.AddAdoNetGrainStorage(StorageNames.Repair, options => options.Configure<IServiceProvider>((o, services) =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = storage.ConnectionString;

                // Orleans' own version-tolerant binary format, driven by the [Id]s on our state records
                // (the provider's default JSON serializer cannot rebuild immutable records).
                o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(services);
            }));
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = storage.ConnectionString;
            });
        });

        builder.Services.AddRepairNetworkSiloServices();
        builder.Services.Configure<Grains.Orders.DispatchOptions>(builder.Configuration.GetSection("Dispatch"));
        builder.Services.Configure<Grains.Appointments.AppointmentOptions>(builder.Configuration.GetSection("Appointments"));
        builder.Services.Configure<Grains.Directory.OutletIndexOptions>(builder.Configuration.GetSection("OutletIndex"));
        return builder;
    }
}
