using System.Diagnostics;
using Npgsql;

namespace RepairNetwork.Durability.Tests;

/// <summary>
/// A throw-away PostgreSQL database per test. The server comes from REPAIRNETWORK_TEST_POSTGRES when set
/// (a connection string whose role may CREATE DATABASE); otherwise tools/dev-postgres.sh starts the
/// machine's PostgreSQL and provides one. Tests never depend on a database left running by hand.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly Lazy<string> AdminConnectionString = new(FindServer);

    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var name = "rn_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(AdminConnectionString.Value))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        // Test classes run in parallel, each with server processes holding two pools (grain storage
        // and service events): bounded pools keep them all within PostgreSQL's 100 connections.
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString.Value) { Database = name, Pooling = true, MaxPoolSize = 10 };
        return new TestDatabase(name, builder.ConnectionString);
    }

    /// <summary>The same database reached through another host/port (e.g. a proxy the test controls).</summary>
    public string ConnectionStringVia(string host, int port) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Host = host, Port = port, Timeout = 3, CommandTimeout = 5 }.ConnectionString;

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString.Value);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static string FindServer()
    {
        var configured = Environment.GetEnvironmentVariable("REPAIRNETWORK_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var script = Path.Combine(RepositoryRoot(), "tools", "dev-postgres.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"No PostgreSQL for the durability tests: set REPAIRNETWORK_TEST_POSTGRES, or make {script} work (exit {process.ExitCode}): {errors}");
        }

        return output.Trim().Split('\n')[^1];
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RepairNetwork.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("RepairNetwork.sln not found above " + AppContext.BaseDirectory);
    }
}
