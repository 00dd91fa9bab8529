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
    }
}
