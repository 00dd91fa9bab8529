using Microsoft.Extensions.Logging.Console;

namespace RepairNetwork.Server.Extensions;

public static class LoggingExtensions
{
    /// <summary>
    /// Console logs: one short human-readable line per event in Development (the simple formatter), one
    /// JSON object per line elsewhere, for a log collector. Logging:Console:FormatterName (simple, json,
    /// systemd) overrides the choice, and Logging:Console:FormatterOptions the settings below.
    /// </summary>
    public static WebApplicationBuilder AddRepairNetworkLogging(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var development = builder.Environment.IsDevelopment();
        builder.Logging.AddConsole();

        // Runs after the configuration is bound, so only an unset name gets the environment's default.
        builder.Services.Configure<ConsoleLoggerOptions>(options =>
            options.FormatterName ??= development ? ConsoleFormatterNames.Simple : ConsoleFormatterNames.Json);

        // Our defaults first, then whatever the configuration says.
        var formatterOptions = config.GetSection("Logging:Console:FormatterOptions");
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            options.IncludeScopes = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.UseUtcTimestamp = true;
            formatterOptions.Bind(options);
        });
        builder.Services.Configure<SimpleConsoleFormatterOptions>(options =>
        {
            options.SingleLine = true;
            options.IncludeScopes = false;
            options.TimestampFormat = "HH:mm:ss.fff ";
            formatterOptions.Bind(options);
        });
        return builder;
    }
}
