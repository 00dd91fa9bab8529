using Microsoft.Extensions.Logging.Abstractions;
using RepairNetwork.Server.Storage;

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
}
