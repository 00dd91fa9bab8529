namespace RepairNetwork.Server.Storage;

/// <summary>Where grain state, cluster membership and reminders live.</summary>
public enum StorageMode
{
    /// <summary>Single silo, nothing persisted: the zero-setup default for trying it out.</summary>
    Memory,

    /// <summary>PostgreSQL through the Orleans ADO.NET providers: for real use and for several silos.</summary>
    Postgres,
}

public sealed record StorageSettings(StorageMode Mode, string? ConnectionString, TimeSpan StartupTimeout)
{
    public const string ConnectionStringName = "RepairNetwork";

    public static StorageSettings From(IConfiguration configuration)
    {
        var modeText = configuration.GetValue("Storage:Mode", "memory")!;
        if (!Enum.TryParse<StorageMode>(modeText, ignoreCase: true, out var mode))
        {
            throw new InvalidOperationException($"Storage:Mode '{modeText}' is not supported; use 'memory' or 'postgres'.");
        }

        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (mode == StorageMode.Postgres && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"Storage:Mode is 'postgres' but no connection string is set: set ConnectionStrings:{ConnectionStringName} (environment: ConnectionStrings__{ConnectionStringName}).");
        }

        return new StorageSettings(mode, connectionString, configuration.GetValue("Storage:StartupTimeout", TimeSpan.FromMinutes(2)));
    }
}
