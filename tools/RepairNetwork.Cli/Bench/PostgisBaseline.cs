using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.Import;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Bench;

/// <summary>How the baseline orders outlets by distance.</summary>
internal enum BaselineQuery
{
    /// <summary><c>ORDER BY geog &lt;-&gt; point</c> on a geography GiST index: exact great-circle (sphere) order.</summary>
    Geography,

    /// <summary><c>ORDER BY geom &lt;-&gt; point</c> on a planar geometry GiST index (degrees), 4× the limit re-ranked by sphere distance.</summary>
    Geometry,
}

/// <summary>
/// The PostGIS KNN baseline: the outlets of an import file in one table (geography and geometry
/// points with GiST indexes, capabilities as text[] with a GIN index), and the nearest-outlet query
/// as a prepared statement on one pooled connection per worker, all from one <see cref="NpgsqlDataSource"/>.
/// </summary>
internal sealed partial class PostgisBaseline : ILookupTarget, IAsyncDisposable
{
    /// <summary>Part of the table fingerprint: bump it when the table layout changes so old tables are rebuilt.</summary>
    private const string Layout = "rn-bench-outlets/1";

    private readonly NpgsqlDataSource dataSource;
    private readonly string table;
    private readonly string capability;
    private readonly int limit;
    private readonly BaselineQuery query;

    private PostgisBaseline(NpgsqlDataSource dataSource, string table, string capability, int limit, BaselineQuery query)
    {
        this.dataSource = dataSource;
        this.table = table;
        this.capability = capability;
        this.limit = limit;
        this.query = query;
    }

    public string Name => "PostGIS";

    /// <summary>The SQL each lookup runs ($1 longitude, $2 latitude, $3 capability, $4 limit).</summary>
    public string Sql => query switch
    {
        BaselineQuery.Geography => $"""
            SELECT outlet_id, name, address, phone, latitude, longitude,
                   geog <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography AS meters
            FROM {table}
            WHERE capabilities @> ARRAY[$3::text]
            ORDER BY meters
            LIMIT $4
            """,
        _ => $"""
            SELECT outlet_id, name, address, phone, latitude, longitude, meters
            FROM (SELECT outlet_id, name, address, phone, latitude, longitude,
                         ST_DistanceSphere(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) AS meters
                  FROM {table}
                  WHERE capabilities @> ARRAY[$3::text]
                  ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
                  LIMIT $4 * 4) AS candidates
            ORDER BY meters
            LIMIT $4
            """,
    };

    public string Describe => query == BaselineQuery.Geography
        ? $"table {table}, ORDER BY geog <-> point (geography GiST, sphere distance), capabilities @> ARRAY['{capability}'] (GIN), LIMIT {limit}"
        : $"table {table}, ORDER BY geom <-> point (geometry GiST, degrees) LIMIT {limit * 4}, re-ranked by ST_DistanceSphere, capabilities @> ARRAY['{capability}'] (GIN), LIMIT {limit}";

    /// <summary>Opens the data source with a pool of exactly <paramref name="concurrency"/> connections and checks PostGIS is there.</summary>
    public static async Task<PostgisBaseline> Open(string connectionString, string table, int concurrency, string capability, int limit, BaselineQuery query, CancellationToken ct)
    {
        if (!TableName().IsMatch(table))
        {
            throw new CliException($"--table: '{table}' must be a lower-case SQL identifier (letters, digits, '_'; up to 63)");
        }

        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--pg: not a valid Npgsql connection string: {ex.Message}");
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = concurrency;
        builder.ConnectionStringBuilder.MinPoolSize = 0;
        builder.ConnectionStringBuilder.ApplicationName = "rn bench baseline";
        builder.ConnectionStringBuilder.CommandTimeout = (int)LoadRun.LookupTimeout.TotalSeconds;
        var dataSource = builder.Build();
        var baseline = new PostgisBaseline(dataSource, table, capability, limit, query);
        try
        {
            NpgsqlConnection connection;
            try
            {
                connection = await dataSource.OpenConnectionAsync(ct);
            }
            catch (NpgsqlException ex)
            {
                throw new CliException($"--pg: cannot connect to {settings.Host}:{settings.Port}/{settings.Database} as {settings.Username}: {ex.Message}");
            }

            await using (connection)
            {
                await baseline.EnsurePostgis(connection, settings.Database ?? "(default)", ct);
            }

            return baseline;
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    private async Task EnsurePostgis(NpgsqlConnection connection, string database, CancellationToken ct)
    {
        await using var check = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'postgis'", connection);
        if (await check.ExecuteScalarAsync(ct) is string)
        {
            return;
        }

        try
        {
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS postgis", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex)
        {
            throw new CliException(
                $"PostGIS is not installed in database {database} and this role cannot install it ({ex.MessageText}). "
                + $"Install the package (apt-get install -y postgresql-15-postgis-3) and, as a superuser: psql -d {database} -c 'CREATE EXTENSION IF NOT EXISTS postgis'");
        }
    }

    /// <summary>
    /// Makes the table hold exactly the outlets of <paramref name="outletsFile"/>: rebuilt (in one
    /// transaction) unless its comment already names this file's SHA-256. Returns a line for the report.
    /// </summary>
    public async Task<string> EnsureOutlets(FileInfo outletsFile, bool reload, CancellationToken ct)
    {
        if (!outletsFile.Exists)
        {
            throw new CliException($"--outlets: {outletsFile.FullName} does not exist");
        }

        var bytes = await File.ReadAllBytesAsync(outletsFile.FullName, ct);
        var fingerprint = $"{Layout} sha256={Convert.ToHexStringLower(SHA256.HashData(bytes))}";

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var existing = new NpgsqlCommand("SELECT obj_description(to_regclass($1), 'pg_class')", connection))
        {
            existing.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = table });
            if (!reload && await existing.ExecuteScalarAsync(ct) is string comment && comment.StartsWith(fingerprint, StringComparison.Ordinal))
            {
                return $"{table}: already holds {outletsFile.Name} ({comment[(fingerprint.Length + 1)..]}), not reloaded";
            }
        }

        var outlets = ReadOutlets(outletsFile, bytes);
        var timer = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Execute(connection, $"DROP TABLE IF EXISTS {table}", ct);
        await Execute(connection, $"""
            CREATE TABLE {table} (
                outlet_id    text PRIMARY KEY,
                name         text NOT NULL,
                address      text NOT NULL,
                phone        text NOT NULL,
                latitude     double precision NOT NULL,
                longitude    double precision NOT NULL,
                capabilities text[] NOT NULL,
                geog         geography(Point, 4326) NOT NULL,
                geom         geometry(Point, 4326) NOT NULL
            )
            """, ct);
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO {table} (outlet_id, name, address, phone, latitude, longitude, capabilities, geog, geom)
            SELECT id, n, a, p, lat, lon, string_to_array(caps, ';'),
                   ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[]) AS u(id, n, a, p, lat, lon, caps)
            """, connection))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = outlets.Select(o => o.OutletId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = outlets.Select(o => o.Name).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = outlets.Select(o => o.Address).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = outlets.Select(o => o.Phone).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = outlets.Select(o => o.Location.Latitude).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = outlets.Select(o => o.Location.Longitude).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = outlets.Select(o => string.Join(';', o.Capabilities)).ToArray() });
            insert.CommandTimeout = 600;
            await insert.ExecuteNonQueryAsync(ct);
        }

        await Execute(connection, $"CREATE INDEX {table}_geog ON {table} USING gist (geog)", ct);
        await Execute(connection, $"CREATE INDEX {table}_geom ON {table} USING gist (geom)", ct);
        await Execute(connection, $"CREATE INDEX {table}_capabilities ON {table} USING gin (capabilities)", ct);
        var description = string.Create(CultureInfo.InvariantCulture, $"{outlets.Count} outlets from {outletsFile.Name}");
        await Execute(connection, $"COMMENT ON TABLE {table} IS '{fingerprint} {description.Replace("'", "''", StringComparison.Ordinal)}'", ct);
        await transaction.CommitAsync(ct);
        await Execute(connection, $"ANALYZE {table}", ct);
        return string.Create(CultureInfo.InvariantCulture, $"{table}: loaded {description} in {timer.Elapsed.TotalSeconds:0.0} s (indexes: GiST on geog and geom, GIN on capabilities)");
    }

    private static List<Outlet> ReadOutlets(FileInfo file, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var rows = file.Extension.ToUpperInvariant() switch
        {
            ".CSV" => OutletFileReader.ReadOutletsCsv(new StreamReader(stream)).ToList(),
            ".GEOJSON" or ".JSON" => OutletFileReader.ReadOutletsGeoJson(stream).ToList(),
            _ => throw new CliException($"--outlets: {file.Name}: outlets are read from .csv, .geojson or .json files (the format of 'rn import outlets')"),
        };
        var failed = rows.Where(r => r.Item is null).Take(5).ToList();
        if (failed.Count > 0)
        {
            throw new CliException($"--outlets: {file.Name}: " + string.Join("; ", failed.Select(r => $"line {r.LineNumber}: {r.Error}")));
        }

        var outlets = rows.Select(r => r.Item!).ToList();
        var duplicate = outlets.GroupBy(o => o.OutletId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? outlets : throw new CliException($"--outlets: {file.Name}: outlet id {duplicate.Key} appears more than once");
    }

    public async Task<ILookupWorker> CreateWorker(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var command = new NpgsqlCommand(Sql, connection);
            command.Parameters.Add(new NpgsqlParameter<double> { NpgsqlDbType = NpgsqlDbType.Double });
            command.Parameters.Add(new NpgsqlParameter<double> { NpgsqlDbType = NpgsqlDbType.Double });
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = capability });
            command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
            await command.PrepareAsync(ct);
            return new Worker(connection, command);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>One worker's own connection and prepared statement, held for the whole run.</summary>
    private sealed class Worker(NpgsqlConnection connection, NpgsqlCommand command) : ILookupWorker
    {
        private readonly NpgsqlParameter<double> longitude = (NpgsqlParameter<double>)command.Parameters[0];
        private readonly NpgsqlParameter<double> latitude = (NpgsqlParameter<double>)command.Parameters[1];

        public async Task<int> Lookup(LookupPoint point, CancellationToken ct) => (await Answer(point, ct)).Count;

        public async Task<List<(string OutletId, double DistanceKm)>> Answer(LookupPoint point, CancellationToken ct)
        {
            longitude.TypedValue = point.Longitude;
            latitude.TypedValue = point.Latitude;
            var found = new List<(string, double)>(8);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, ct);
            while (await reader.ReadAsync(ct))
            {
                // Read every column, as a real caller would (the server's answer carries the same fields and more).
                var id = reader.GetString(0);
                _ = reader.GetString(1);
                _ = reader.GetString(2);
                _ = reader.GetString(3);
                _ = reader.GetDouble(4);
                _ = reader.GetDouble(5);
                found.Add((id, reader.GetDouble(6) / 1000));
            }

            return found;
        }

        public async ValueTask DisposeAsync()
        {
            await command.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>The answer for one point, nearest first (for the answer check).</summary>
    public async Task<IReadOnlyList<(string OutletId, double DistanceKm)>> Answer(LookupPoint point, CancellationToken ct)
    {
        await using var worker = (Worker)await CreateWorker(ct);
        return await worker.Answer(point, ct);
    }

    /// <summary>EXPLAIN of the lookup at one point, to show the plan uses the GiST index.</summary>
    public async Task<string> Explain(LookupPoint point, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("EXPLAIN " + Sql, connection);
        command.Parameters.Add(new NpgsqlParameter<double> { NpgsqlDbType = NpgsqlDbType.Double, TypedValue = point.Longitude });
        command.Parameters.Add(new NpgsqlParameter<double> { NpgsqlDbType = NpgsqlDbType.Double, TypedValue = point.Latitude });
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = capability });
        command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = limit });
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join(Environment.NewLine, lines);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex TableName();
}
