using RepairNetwork.Server.Lifecycle;

namespace RepairNetwork.Server.Extensions;

public static class ReadinessExtensions
{
    /// <summary>
    /// Readiness that means ready (warm-up before SERVING, see <see cref="WarmupService"/>) and a graceful
    /// drain on shutdown (<see cref="DrainOnShutdown"/>). Settings: Warmup:* and Shutdown:DrainDelay,
    /// Shutdown:Timeout; the host's shutdown timeout is their sum, so the drain never eats the time
    /// in-flight calls and Orleans need.
    /// </summary>
    public static WebApplicationBuilder AddRepairNetworkReadiness(this WebApplicationBuilder builder)
    {
        var shutdown = new ShutdownOptions();
        builder.Configuration.GetSection("Shutdown").Bind(shutdown);
        if (shutdown.DrainDelay < TimeSpan.Zero || shutdown.Timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Shutdown:DrainDelay must be zero or more and Shutdown:Timeout more than zero.");
        }

        builder.Services.Configure<ShutdownOptions>(builder.Configuration.GetSection("Shutdown"));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdown.DrainDelay + shutdown.Timeout);
        builder.Services.Configure<WarmupOptions>(builder.Configuration.GetSection("Warmup"));
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddHostedService<DrainOnShutdown>();
        builder.Services.AddSingleton<WriteRehearsal>();
        builder.Services.AddSingleton<BookingRehearsal>();
        builder.Services.AddHostedService<WarmupService>();
        builder.Services.AddHealthChecks().AddCheck<ReadinessHealthCheck>(ReadinessHealthCheck.Name);
        if (builder.Configuration.GetValue("Demo:Enabled", false))
        {
            builder.Services.AddSingleton<DemoLoadProgress>();
        }

        return builder;
    }
}
