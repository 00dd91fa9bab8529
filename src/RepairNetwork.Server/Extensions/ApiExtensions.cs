using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Server.Demo;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Security;
using RepairNetwork.Server.Services;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Extensions;

public static class ApiExtensions
{
    /// <summary>Largest accepted request: room for a detailed 1 MB service-area polygon, no more.</summary>
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    public static WebApplicationBuilder AddRepairNetworkApi(this WebApplicationBuilder builder)
    {
        builder.AddRepairNetworkAuthentication();
        builder.Services.AddSingleton<OwnerLookup>();
        builder.Services.Configure<RateLimitSettings>(builder.Configuration.GetSection("RateLimit"));
        builder.Services.Configure<StreamSettings>(builder.Configuration.GetSection("Streams"));
        builder.Services.Configure<ListSettings>(builder.Configuration.GetSection("Lists"));
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Singleton, so that its per-client rate limiter lives across calls.
        builder.Services.AddSingleton<AccessControlInterceptor>();
        builder.Services.AddGrpc(options =>
        {
            // Outermost first: every failure, including refusals, leaves through the error mapping.
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.Interceptors.Add<AccessControlInterceptor>();
            options.MaxReceiveMessageSize = MaxRequestBytes;
        });
        builder.Services.AddGrpcReflection();
        var health = builder.Services.AddGrpcHealthChecks()
            .AddCheck<OutletIndexHealthCheck>("outlet-index");
        if (StorageSettings.From(builder.Configuration).Mode == StorageMode.Postgres)
        {
            health.AddCheck<DatabaseHealthCheck>("database");
        }

        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.UseUtcTimestamp = true;
        });

        if (builder.Configuration.GetValue("Demo:Enabled", false))
        {
            builder.Services.AddHostedService<DemoNetworkLoader>();
        }

        return builder;
    }

    public static WebApplication MapRepairNetworkApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();

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
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapGet("/", () => "RepairNetwork gRPC API: use a gRPC client (HTTP/2). See README.md.");
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
