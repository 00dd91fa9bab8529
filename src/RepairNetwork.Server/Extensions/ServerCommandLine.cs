using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Extensions;

/// <summary>Turns friendly switches into configuration keys, and runs the one-shot commands.</summary>
public static class ServerCommandLine
{
    /// <summary><c>--demo</c> loads the demo network (same as <c>--Demo:Enabled=true</c>).</summary>
    public static string[] Normalize(string[] args) =>
        [.. args.Select(a => a == "--demo" ? "--Demo:Enabled=true" : a)];

    public static bool IsMigrateCommand(string[] args) => args.Length > 0 && args[0] == "migrate";

    /// <summary>
    /// <c>migrate</c>: applies pending schema migrations to the configured PostgreSQL database and
    /// exits (0 on success). The server also does this at start; this is for deploy pipelines. Runs as
    /// ConnectionStrings:RepairNetworkMigrations when set (a role that owns the schema) and then grants the
    /// runtime role (Storage:RuntimeRole, or the user of ConnectionStrings:RepairNetwork) its data rights.
    /// </summary>
    public static async Task<int> MigrateAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args[1..]);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILogger<SchemaMigrator>>();
        var connectionString = StorageSettings.MigrationConnectionStringFrom(builder.Configuration);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync($"migrate: set ConnectionStrings:{StorageSettings.MigrationConnectionStringName} or ConnectionStrings:{StorageSettings.ConnectionStringName} (environment: ConnectionStrings__{StorageSettings.MigrationConnectionStringName}, or --ConnectionStrings:{StorageSettings.MigrationConnectionStringName}=...)");
            return 2;
        }

        try
        {
            var report = await new SchemaMigrator(connectionString, logger, StorageSettings.RuntimeRoleFrom(builder.Configuration)).MigrateAsync();
            Console.WriteLine(report.Applied.Count == 0
                ? $"schema up to date ({report.AlreadyApplied} migrations already applied)"
                : $"applied {report.Applied.Count} migrations: {string.Join(", ", report.Applied.Select(m => $"{m.Version:D4}_{m.Name}"))}; {report.AlreadyApplied} were already applied");
            return 0;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync("migrate failed: " + ex.Message);
            return 1;
        }
    }
}
