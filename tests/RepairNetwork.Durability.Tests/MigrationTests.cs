using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RepairNetwork.Server.Storage;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

public sealed class MigrationTests
{
    /// <summary>Everything the schema consists of, as text, to compare before and after.</summary>
    private const string SchemaSnapshotSql = """
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
            SELECT format('column %s.%s %s %s', table_name, column_name, data_type, is_nullable) AS line
              FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT format('index %s %s', indexname, indexdef) FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
            UNION ALL SELECT format('query %s %s', querykey, md5(querytext)) FROM orleansquery
            UNION ALL SELECT format('migration %s %s %s', version, name, applied_at) FROM repairnetwork_schema_migrations
        ) schema
        """;

    [Fact]
    public async Task Migrations_applied_twice_change_nothing_the_second_time()
    {
        await using var database = await TestDatabase.CreateAsync();
        var migrator = new SchemaMigrator(database.ConnectionString, NullLogger<SchemaMigrator>.Instance);

        var first = await migrator.MigrateAsync(TestContext.Current.CancellationToken);
        var afterFirst = await database.ScalarAsync<string>(SchemaSnapshotSql);
        var second = await migrator.MigrateAsync(TestContext.Current.CancellationToken);
        var afterSecond = await database.ScalarAsync<string>(SchemaSnapshotSql);

        Assert.Equal(SchemaMigrator.Embedded.Count, first.Applied.Count);
        Assert.True(first.Applied.Count >= 4, "the Orleans query, clustering, persistence and reminder scripts");
        Assert.Empty(second.Applied);
        Assert.Equal(first.Applied.Count, second.AlreadyApplied);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Contains("CleanupDefunctSiloEntriesKey", afterSecond, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silos_starting_together_apply_each_migration_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync();

        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new SchemaMigrator(database.ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken)));

        Assert.Equal(SchemaMigrator.Embedded.Count, reports.Sum(r => r.Applied.Count));
        Assert.Equal(SchemaMigrator.Embedded.Count, (int)await database.ScalarAsync<long>("SELECT count(*) FROM repairnetwork_schema_migrations"));
    }

    /// <summary>A login role with no rights of its own beyond connecting: what a server's runtime role should be.</summary>
    private static async Task<string> CreateRuntimeRole(TestDatabase database, string role)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'runtime'", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        // Membership lets the test's admin role end this role's sessions when it drops the database.
        await using (var member = new NpgsqlCommand($"GRANT {role} TO CURRENT_USER", connection))
        {
            await member.ExecuteNonQueryAsync();
        }

        // PostgreSQL 15 already withholds CREATE on schema public from PUBLIC; say so rather than rely on it.
        await using (var revoke = new NpgsqlCommand("REVOKE CREATE ON SCHEMA public FROM PUBLIC", connection))
        {
            await revoke.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = "runtime" }.ConnectionString;
    }

    /// <summary>Roles belong to the whole PostgreSQL server, so the test removes its own once the database is gone.</summary>
    private static async Task DropRole(TestDatabase database, string role)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {role}", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_server_runs_as_a_role_without_DDL_rights_when_a_separate_migration_role_owns_the_schema()
    {
        var role = "rn_runtime_" + Guid.NewGuid().ToString("N")[..8];
        var database = await TestDatabase.CreateAsync();
        try
        {
            var runtime = await CreateRuntimeRole(database, role);
            var settings = new Dictionary<string, string> { ["ConnectionStrings:RepairNetworkMigrations"] = database.ConnectionString };

            Api.Outlet created;
            await using (var server = await ServerProcess.StartAsync("runtime-role", runtime, "roles-" + Guid.NewGuid().ToString("N")[..8], settings))
            {
                created = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("SH-ROLE-1", 31.2, 121.4, alwaysOpen: true) })).Outlet;
                Assert.Equal("SH-ROLE-1", (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = created.OutletId })).Outlet.OutletId);
            }

            // The role the server ran as can use the data but not change the schema.
            await using var connection = new NpgsqlConnection(runtime);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var ddl = new NpgsqlCommand("CREATE TABLE rn_intruder (id int)", connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ddl.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            await using var alter = new NpgsqlCommand("ALTER TABLE repairnetwork_schema_migrations ADD COLUMN intruder int", connection);
            refused = await Assert.ThrowsAsync<PostgresException>(() => alter.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        finally
        {
            await database.DisposeAsync();
            await DropRole(database, role);
        }
    }

    [Fact]
    public async Task A_server_that_may_not_migrate_refuses_to_start_on_a_schema_that_is_behind_and_says_what_to_do()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = new Dictionary<string, string> { ["Storage:MigrateOnStartup"] = "false", ["Storage:StartupTimeout"] = "00:00:05" };

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.StartAsync("no-migrate", database.ConnectionString, "nomigrate-" + Guid.NewGuid().ToString("N")[..8], settings));

        Assert.Contains("Storage:MigrateOnStartup", refused.Message, StringComparison.Ordinal);
        Assert.Contains("migrate", refused.Message, StringComparison.Ordinal);

        // Migrated beforehand (as a deploy pipeline would), the same server starts.
        await new SchemaMigrator(database.ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        await using var server = await ServerProcess.StartAsync("no-migrate", database.ConnectionString, "nomigrate-" + Guid.NewGuid().ToString("N")[..8], settings);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, await server.ServingStatusAsync());
    }
}
