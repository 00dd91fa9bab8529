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
/// </summary>
public sealed partial class SchemaMigrator(string connectionString, ILogger<SchemaMigrator> logger)
{
    /// <summary>Arbitrary constant identifying "RepairNetwork schema migration" among advisory locks.</summary>
    private const long AdvisoryLockKey = 0x52_4E_4D_49_47_52_54; // "RNMIGRT"

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    public async Task<MigrationReport> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // One migrating session at a time, from before the bookkeeping table exists: concurrent
        // CREATE TABLE IF NOT EXISTS can otherwise collide in PostgreSQL's catalog.
        await Execute(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            return await ApplyPending(connection, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version:D4}_{Name}")]
    private partial void LogApplied(int version, string name);
}
