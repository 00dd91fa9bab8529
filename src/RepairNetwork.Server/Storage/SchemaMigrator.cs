using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace RepairNetwork.Server.Storage;

/// <summary>One versioned SQL script shipped inside the server.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>What a migration run did.</summary>
public sealed record MigrationReport(IReadOnlyList<Migration> Applied, int AlreadyApplied);

/// <summary>
/// Applies the project's SQL migrations (Storage/Migrations/NNNN_name.sql, embedded) in order, each
/// once, each in its own transaction, and records them in <c>repairnetwork_schema_migrations</c>.
/// Silos starting together serialise on an advisory lock, so exactly one applies each script. A
/// script that changed after it was applied stops the run: the schema would no longer match the code.
/// Given a runtime role, it then grants that role what the server needs and nothing more: data rights
/// on the tables, sequences and functions, no right to create or alter anything.
/// </summary>
public sealed partial class SchemaMigrator(string connectionString, ILogger<SchemaMigrator> logger, string? runtimeRole = null)
{
    /// <summary>Arbitrary constant identifying "RepairNetwork schema migration" among advisory locks.</summary>
    private const long AdvisoryLockKey = 0x52_4E_4D_49_47_52_54; // "RNMIGRT"

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    public async Task<MigrationReport> MigrateAsync(CancellationToken cancellationToken = default)
    {
        // Unpooled: the session-level lock below must end with this session, never ride into a pool
        // whose connections may be handed out without a reset (StorageSettings.WithoutResetOnClose).
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // One migrating session at a time, from before the bookkeeping table exists: concurrent
        // CREATE TABLE IF NOT EXISTS can otherwise collide in PostgreSQL's catalog.
        await Execute(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            var report = await ApplyPending(connection, cancellationToken);
            if (!string.IsNullOrEmpty(runtimeRole))
            {
                // On every run, not just when a script was applied: the role may be newly configured.
                await GrantRuntimePrivileges(connection, runtimeRole, cancellationToken);
            }

            return report;
        }
        finally
        {
            await Execute(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    private async Task<MigrationReport> ApplyPending(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS repairnetwork_schema_migrations (
                version     integer     PRIMARY KEY,
                name        text        NOT NULL,
                checksum    text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        var applied = new List<Migration>();
        var alreadyApplied = 0;
        foreach (var migration in Embedded)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

            await using (var check = new NpgsqlCommand("SELECT checksum FROM repairnetwork_schema_migrations WHERE version = @version", connection, transaction))
            {
                check.Parameters.AddWithValue("version", migration.Version);
                if (await check.ExecuteScalarAsync(cancellationToken) is string checksum)
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException($"Migration {migration.Version:D4}_{migration.Name} was changed after it was applied to this database; add a new migration instead of editing an applied one.");
                    }

                    alreadyApplied++;
                    await transaction.CommitAsync(cancellationToken);
                    continue;
                }
            }

            await Execute(connection, transaction, migration.Sql, cancellationToken);
            await using (var record = new NpgsqlCommand("INSERT INTO repairnetwork_schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                record.Parameters.AddWithValue("checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration);
            LogApplied(migration.Version, migration.Name);
        }

        return new MigrationReport(applied, alreadyApplied);
    }

    private async Task GrantRuntimePrivileges(NpgsqlConnection connection, string role, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = @role", connection))
        {
            exists.Parameters.AddWithValue("role", role);
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                throw new InvalidOperationException($"Storage:RuntimeRole '{role}' (the role the server runs as) does not exist in the database; create it (LOGIN, no CREATE rights) or correct the setting.");
            }
        }

        // format(%I) quotes the names; the schema is the one the unqualified migration scripts created their objects in.
        string[] grants =
        [
            "GRANT USAGE ON SCHEMA %1$I TO %2$I",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %1$I TO %2$I",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %1$I TO %2$I",
            "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %1$I TO %2$I",
        ];
        foreach (var grant in grants)
        {
            await using var build = new NpgsqlCommand("SELECT format(@grant, current_schema(), @role::text)", connection);
            build.Parameters.AddWithValue("grant", grant);
            build.Parameters.AddWithValue("role", role);
            await Execute(connection, null, (string)(await build.ExecuteScalarAsync(cancellationToken))!, cancellationToken);
        }

        LogGranted(role);
    }

    /// <summary>
    /// For a server that does not migrate (Storage:MigrateOnStartup=false): refuses to start on a schema
    /// older than this build, which would fail later, on some query, with a less helpful error.
    /// </summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM repairnetwork_schema_migrations", connection))
        {
            try
            {
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // No migrations at all: reported below like any other missing one.
            }
        }

        if (Embedded.FirstOrDefault(m => !applied.Contains(m.Version)) is { } missing)
        {
            throw new InvalidOperationException(
                $"The database schema lacks migration {missing.Version:D4}_{missing.Name} and Storage:MigrateOnStartup is false: " +
                $"run 'RepairNetwork.Server migrate' with ConnectionStrings:{StorageSettings.MigrationConnectionStringName} (a role that owns the schema) first, or set Storage:MigrateOnStartup=true.");
        }
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var fileName = resource["Migrations/".Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName[..separator], out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_description.sql");
            }

            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? [.. migrations.OrderBy(m => m.Version)]
            : throw new InvalidOperationException($"Two migrations share version {duplicate.Key}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Granted runtime privileges (data only) to role {Role}")]
    private partial void LogGranted(string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version:D4}_{Name}")]
    private partial void LogApplied(int version, string name);
}
