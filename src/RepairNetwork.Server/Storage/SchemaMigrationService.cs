using Npgsql;

namespace RepairNetwork.Server.Storage;

/// <summary>
/// Brings the database schema up to date before the silo starts (it is registered ahead of Orleans),
/// through ConnectionStrings:RepairNetworkMigrations when set; with Storage:MigrateOnStartup=false it only
/// checks that the schema is current and refuses to start otherwise. Waits for the database with backoff up to Storage:StartupTimeout, so a server started alongside
/// its database does not fail on the first refused connection.
/// </summary>
public sealed partial class SchemaMigrationService(StorageSettings settings, ILogger<SchemaMigrationService> logger, ILoggerFactory loggers) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var migrator = settings.MigrateOnStartup
            ? new SchemaMigrator(settings.MigrationConnectionString ?? settings.ConnectionString!, loggers.CreateLogger<SchemaMigrator>(), settings.RuntimeRole)
            : new SchemaMigrator(settings.ConnectionString!, loggers.CreateLogger<SchemaMigrator>());
        var deadline = DateTime.UtcNow + settings.StartupTimeout;
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                if (!settings.MigrateOnStartup)
                {
                    await migrator.EnsureCurrentAsync(cancellationToken);
                    LogSchemaChecked();
                    return;
                }

                var report = await migrator.MigrateAsync(cancellationToken);
                LogSchemaReady(report.Applied.Count, report.AlreadyApplied);
                return;
            }
            catch (Exception ex) when ((ex is NpgsqlException or TimeoutException) && DateTime.UtcNow + delay < deadline)
            {
                LogWaiting(ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 10));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema ready: {Applied} migrations applied now, {AlreadyApplied} already in place")]
    private partial void LogSchemaReady(int applied, int alreadyApplied);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current (Storage:MigrateOnStartup is false: not migrated)")]
    private partial void LogSchemaChecked();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable ({Reason}); retrying in {Seconds} s")]
    private partial void LogWaiting(string reason, double seconds);
}
