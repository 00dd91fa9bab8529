using Microsoft.Extensions.Diagnostics.HealthChecks;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Server.Demo;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Services;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Extensions;

public static class ApiExtensions
{
    public static WebApplicationBuilder AddRepairNetworkApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.MaxReceiveMessageSize = 4 * 1024 * 1024;
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
        app.MapGrpcService<OutletApi>();
        app.MapGrpcService<TechnicianApi>();
        app.MapGrpcService<LocatorApi>();
        app.MapGrpcService<RepairOrderApi>();
        app.MapGrpcService<InventoryApi>();
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
