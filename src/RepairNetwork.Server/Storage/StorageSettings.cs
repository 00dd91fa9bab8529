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

        return new StorageSettings(mode, WithStatementPreparation(connectionString), configuration.GetValue("Storage:StartupTimeout", TimeSpan.FromMinutes(2)));
    }

    /// <summary>Statements prepared per connection unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 32;

    /// <summary>
    /// Turns on Npgsql's automatic statement preparation unless the connection string sets it. Every
    /// grain read and write repeats a handful of SQL texts; prepared once per connection, PostgreSQL
    /// skips parsing and planning them on each call, which is a large part of a write's database CPU.
    /// </summary>
    public static string? WithStatementPreparation(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare > 0 || connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }

        builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }
}
