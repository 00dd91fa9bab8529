using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Server.Demo;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Overload;
using RepairNetwork.Server.Security;
using RepairNetwork.Server.Services;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Extensions;

public static class ApiExtensions
{
    /// <summary>Largest accepted request: room for a detailed 1 MB service-area polygon, no more.</summary>
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    /// <summary>Kestrel's own default, made explicit: concurrent streams a client may open on one connection.</summary>
    public const int DefaultMaxStreamsPerConnection = 100;

    public static WebApplicationBuilder AddRepairNetworkApi(this WebApplicationBuilder builder)
    {
        builder.AddRepairNetworkAuthentication();
        builder.Services.AddSingleton<OwnerLookup>();
        builder.Services.Configure<RateLimitSettings>(builder.Configuration.GetSection("RateLimit"));
        builder.Services.Configure<StreamSettings>(builder.Configuration.GetSection("Streams"));
        builder.Services.Configure<ListSettings>(builder.Configuration.GetSection("Lists"));
        builder.Services.Configure<OverloadSettings>(builder.Configuration.GetSection("Overload"));
        builder.Services.Configure<FailureLogSettings>(builder.Configuration.GetSection("FailureLog"));
        builder.Services.Configure<StorageProbeSettings>(builder.Configuration.GetSection("Storage"));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FailureLog>();
        builder.Services.AddSingleton<StorageCircuit>();
        // Grains' background saves wait while the probe says the database is away.
        builder.Services.Replace(ServiceDescriptor.Singleton<Grains.IStorageAvailability>(services => services.GetRequiredService<StorageCircuit>()));

        // Operator settings (Kestrel:Limits:Http2:...), with our default for the stream limit.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Kestrel sizes a connection's output queue from this (2x, see README "Overload and outages");
            // the load shedding and deadline handling below keep streams short, so the default holds.
            kestrel.Limits.Http2.MaxStreamsPerConnection = DefaultMaxStreamsPerConnection;
            builder.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
        });

        // Singletons, so that the per-client rate limiter and the concurrency limit live across calls.
        builder.Services.AddSingleton<LoadSheddingInterceptor>();
        builder.Services.AddSingleton<AccessControlInterceptor>();
        builder.Services.AddGrpc(options =>
        {
            // Outermost first. Shedding refuses before any work is done (its refusals are RpcExceptions,
            // which the error mapping passes through untouched); then every other failure, including
            // access refusals, leaves through the error mapping. Authentication (a cached token check) runs
            // before all of them, as ASP.NET Core middleware.
            options.Interceptors.Add<LoadSheddingInterceptor>();
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.Interceptors.Add<AccessControlInterceptor>();
            options.MaxReceiveMessageSize = MaxRequestBytes;
        }).AddRepairNetworkRest();
        builder.Services.AddGrpcReflection();
        var health = builder.Services.AddGrpcHealthChecks()
            .AddCheck<OutletIndexHealthCheck>("outlet-index");
        if (StorageSettings.From(builder.Configuration).Mode == StorageMode.Postgres)
        {
            health.AddCheck<DatabaseHealthCheck>("database");
            builder.Services.AddHostedService<StorageProbe>();
        }

        builder.AddRepairNetworkReadiness();

        builder.AddRepairNetworkLogging();
        builder.AddRepairNetworkTelemetry();
        builder.AddRepairNetworkConsole();

        if (builder.Configuration.GetValue("Demo:Enabled", false))
        {
            builder.Services.AddHostedService<DemoNetworkLoader>();
        }

        return builder;
    }

    public static WebApplication MapRepairNetworkApi(this WebApplication app)
    {
        app.UseRepairNetworkTelemetry();
        app.MapRepairNetworkConsole();
        app.UseRepairNetworkGrpcWeb();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRepairNetworkApiReference();

        // Every RPC of ours needs a valid token; health and reflection stay open for probes and tools.
        app.MapGrpcService<OutletApi>().RequireAuthorization();
        app.MapGrpcService<TechnicianApi>().RequireAuthorization();
        app.MapGrpcService<LocatorApi>().RequireAuthorization();
        app.MapGrpcService<RepairOrderApi>().RequireAuthorization();
        app.MapGrpcService<InventoryApi>().RequireAuthorization();
        app.MapGrpcService<ServiceLevelApi>().RequireAuthorization();
        app.MapGrpcService<PartsCatalogApi>().RequireAuthorization();
        app.MapGrpcService<TransferApi>().RequireAuthorization();
        app.MapGrpcService<DispatchApi>().RequireAuthorization();
        app.MapGrpcService<NetworkApi>().RequireAuthorization();
        app.MapGrpcService<CalendarApi>().RequireAuthorization();
        app.MapGrpcService<CatalogApi>().RequireAuthorization();
        app.MapGrpcService<AppointmentApi>().RequireAuthorization();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapGet("/", () => $"RepairNetwork API: gRPC (HTTP/2), gRPC-Web, and REST (JSON) under /v1. OpenAPI: {RestExtensions.OpenApiPath}, reference: /{RestExtensions.ReferencePath}. See README.md.");
        return app;
    }
}

/// <summary>Not serving until this silo's outlet index has loaded: lookups would otherwise find nothing.</summary>
public sealed class OutletIndexHealthCheck(IOutletIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(index.IsLoaded
            ? HealthCheckResult.Healthy($"{index.Current.Count} outlets, index version {index.Current.Version}")
            : HealthCheckResult.Unhealthy("outlet index is loading"));
}
