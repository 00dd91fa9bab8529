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

    /// <summary>A role that owns the schema, for migrations only, so the server itself can run without DDL rights.</summary>
    public const string MigrationConnectionStringName = "RepairNetworkMigrations";

    /// <summary>Where migrations run: ConnectionStrings:RepairNetworkMigrations, else the runtime connection.</summary>
    public string? MigrationConnectionString { get; init; }

    /// <summary>Storage:MigrateOnStartup (default true); when false the server only checks that the schema is current.</summary>
    public bool MigrateOnStartup { get; init; } = true;

    /// <summary>The role a migration grants the runtime privileges to (see <see cref="RuntimeRoleFrom"/>), if any.</summary>
    public string? RuntimeRole { get; init; }

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

        return new StorageSettings(mode, WithBoundedPool(WithShortConnectTimeout(WithoutResetOnClose(WithStatementPreparation(connectionString)))), configuration.GetValue("Storage:StartupTimeout", TimeSpan.FromMinutes(2)))
        {
            MigrationConnectionString = MigrationConnectionStringFrom(configuration),
            MigrateOnStartup = configuration.GetValue("Storage:MigrateOnStartup", true),
            RuntimeRole = RuntimeRoleFrom(configuration),
        };
    }

    public static string? MigrationConnectionStringFrom(IConfiguration configuration) =>
        configuration.GetConnectionString(MigrationConnectionStringName) is { Length: > 0 } migrations
            ? migrations
            : configuration.GetConnectionString(ConnectionStringName);

    /// <summary>
    /// Storage:RuntimeRole; unset, the user of ConnectionStrings:RepairNetwork when migrations run as another
    /// user (ConnectionStrings:RepairNetworkMigrations), so the role the server runs as gets exactly the
    /// rights it needs on the tables the migration role creates. None when both are the same user.
    /// </summary>
    public static string? RuntimeRoleFrom(IConfiguration configuration)
    {
        if (configuration.GetValue<string?>("Storage:RuntimeRole") is { Length: > 0 } role)
        {
            return role;
        }

        var runtime = configuration.GetConnectionString(ConnectionStringName);
        var migrations = configuration.GetConnectionString(MigrationConnectionStringName);
        if (string.IsNullOrWhiteSpace(runtime) || string.IsNullOrWhiteSpace(migrations))
        {
            return null;
        }

        var runtimeUser = new Npgsql.NpgsqlConnectionStringBuilder(runtime).Username;
        return string.IsNullOrEmpty(runtimeUser) || runtimeUser == new Npgsql.NpgsqlConnectionStringBuilder(migrations).Username ? null : runtimeUser;
    }

    /// <summary>Statements prepared per connection unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 32;

    /// <summary>
    /// Turns on Npgsql's automatic statement preparation unless the connection string sets it. Every
    /// grain read and write repeats a handful of SQL texts; prepared once per connection, PostgreSQL
    /// skips parsing and planning them on each call, which is a large part of a write's database CPU.
    /// </summary>
    public static string? WithStatementPreparation(string? connectionString) =>
        Unless(connectionString, ["Max Auto Prepare", "MaxAutoPrepare"], builder =>
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        });

    /// <summary>
    /// Skips Npgsql's session reset when a connection goes back to the pool, unless the connection
    /// string sets "No Reset On Close". The reset is seven statements (CLOSE ALL, UNLISTEN *, RESET ALL
    /// and so on) run before the next command on that connection: with a pool used several times per
    /// order it was seven of every eight statements PostgreSQL ran. The server leaves no session state
    /// behind to reset: no SET, LISTEN, temporary table or cursor outlives its command, and the one
    /// session lock (schema migration) is taken on a connection of its own that is never pooled.
    /// </summary>
    public static string? WithoutResetOnClose(string? connectionString) =>
        Unless(connectionString, ["No Reset On Close", "NoResetOnClose"], builder => builder.NoResetOnClose = true);

    /// <summary>Connect timeout (seconds) unless the connection string sets one; Npgsql's default is 15.</summary>
    public const int DefaultConnectTimeoutSeconds = 2;

    /// <summary>
    /// A short connect timeout unless the connection string sets one ("Timeout"). On a local network a
    /// connection opens in milliseconds; with Npgsql's 15 s default, every grain read or write during a
    /// database outage waits that long on a connection that will not come, and the waiting calls pile up.
    /// </summary>
    public static string? WithShortConnectTimeout(string? connectionString) =>
        Unless(connectionString, ["Timeout", "Connect Timeout", "Connection Timeout"], builder => builder.Timeout = DefaultConnectTimeoutSeconds);

    /// <summary>Connections per pool unless the connection string sets "Maximum Pool Size"; Npgsql's default is 100.</summary>
    public const int DefaultMaxPoolSize = 40;

    /// <summary>
    /// A bounded pool unless the connection string sets one. A server keeps two pools (grain state and
    /// the service-event writer) plus one probe connection; with Npgsql's default of 100 each, a burst
    /// such as the demo load asks PostgreSQL for more connections than its default max_connections
    /// (100) and gets "remaining connection slots are reserved". Two pools of 40 stay under it.
    /// </summary>
    public static string? WithBoundedPool(string? connectionString) =>
        Unless(connectionString, ["Maximum Pool Size", "MaxPoolSize"], builder => builder.MaxPoolSize = DefaultMaxPoolSize);

    /// <summary>
    /// The connection string with <paramref name="set"/> applied, unless it names one of
    /// <paramref name="keywords"/> itself: what an operator wrote always wins over our default. The plain
    /// builder is asked, because it knows only what the string says (Npgsql's knows every keyword it supports).
    /// </summary>
    private static string? Unless(string? connectionString, string[] keywords, Action<Npgsql.NpgsqlConnectionStringBuilder> set)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (keywords.Any(given.ContainsKey))
        {
            return connectionString;
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        set(builder);
        return builder.ConnectionString;
    }
}
