using Npgsql;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Tests;

public sealed class StorageSettingsTests
{
    [Fact]
    public void Statements_are_prepared_automatically_unless_the_connection_string_says_otherwise()
    {
        var prepared = new NpgsqlConnectionStringBuilder(StorageSettings.WithStatementPreparation("Host=db;Database=rn;Username=u;Password=p"));
        Assert.Equal(StorageSettings.DefaultMaxAutoPrepare, prepared.MaxAutoPrepare);
        Assert.Equal("db", prepared.Host);
        Assert.Equal("p", prepared.Password);

        var chosen = new NpgsqlConnectionStringBuilder(StorageSettings.WithStatementPreparation("Host=db;Max Auto Prepare=5"));
        Assert.Equal(5, chosen.MaxAutoPrepare);
        var disabled = new NpgsqlConnectionStringBuilder(StorageSettings.WithStatementPreparation("Host=db;Max Auto Prepare=0"));
        Assert.Equal(0, disabled.MaxAutoPrepare);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(StorageSettings.WithStatementPreparation("Host=db;MaxAutoPrepare=0")).MaxAutoPrepare);
    }

    [Fact]
    public void Connections_give_up_connecting_after_two_seconds_unless_the_connection_string_sets_a_timeout()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(StorageSettings.WithShortConnectTimeout("Host=db;Database=rn;Username=u;Password=p;Command Timeout=30"));
        Assert.Equal(StorageSettings.DefaultConnectTimeoutSeconds, defaulted.Timeout);
        Assert.Equal(30, defaulted.CommandTimeout);
        Assert.Equal("p", defaulted.Password);

        Assert.Equal(15, new NpgsqlConnectionStringBuilder(StorageSettings.WithShortConnectTimeout("Host=db;Timeout=15")).Timeout);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(StorageSettings.WithShortConnectTimeout("Host=db;timeout=7")).Timeout);
    }

    [Fact]
    public void Each_pool_holds_at_most_forty_connections_unless_the_connection_string_sets_a_size()
    {
        // Two pools of Npgsql's default 100 overran PostgreSQL's 100 connections while the demo loaded.
        var bounded = new NpgsqlConnectionStringBuilder(StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "postgres",
            ["ConnectionStrings:RepairNetwork"] = "Host=db;Database=rn;Username=u;Password=p",
        }).Build()).ConnectionString);
        Assert.Equal(StorageSettings.DefaultMaxPoolSize, bounded.MaxPoolSize);
        Assert.True(2 * bounded.MaxPoolSize + 1 < 100);

        Assert.Equal(24, new NpgsqlConnectionStringBuilder(StorageSettings.WithBoundedPool("Host=db;Maximum Pool Size=24")).MaxPoolSize);
        Assert.Equal(8, new NpgsqlConnectionStringBuilder(StorageSettings.WithBoundedPool("Host=db;maximum pool size=8")).MaxPoolSize);
    }

    [Fact]
    public void Pooled_connections_are_not_reset_between_uses_unless_the_connection_string_asks_for_it()
    {
        // The reset was seven statements ahead of nearly every grain read and write.
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "postgres",
            ["ConnectionStrings:RepairNetwork"] = "Host=db;Database=rn;Username=u;Password=p",
        }).Build());
        Assert.True(new NpgsqlConnectionStringBuilder(settings.ConnectionString).NoResetOnClose);

        Assert.False(new NpgsqlConnectionStringBuilder(StorageSettings.WithoutResetOnClose("Host=db;No Reset On Close=false")).NoResetOnClose);
        Assert.False(new NpgsqlConnectionStringBuilder(StorageSettings.WithoutResetOnClose("Host=db;noresetonclose=false")).NoResetOnClose);
    }
}
