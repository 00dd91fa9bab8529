using System.Text;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.ServiceLevels;

namespace RepairNetwork.Server.Storage;

/// <summary>
/// Service events in the <c>service_events</c> table (migration 0005). Appends are group-committed:
/// callers queue their event, and one writer per silo inserts everything queued (up to
/// <see cref="MaxBatch"/>) in one statement, then completes those callers. While a batch is in flight
/// the next one fills, so under load a busy silo writes a few statements instead of one per event,
/// and when idle an event is written at once. Append returns when its batch is committed; a batch that
/// fails fails every caller in it (each may retry: appends are idempotent).
/// </summary>
public sealed partial class PostgresServiceEventStore : IServiceEventStore, IAsyncDisposable
{
    /// <summary>Most events per INSERT: bounds statement size and how long one batch holds its callers.</summary>
    public const int MaxBatch = 500;

    /// <summary>Events waiting beyond this make Append wait for room rather than grow memory without end.</summary>
    private const int MaxQueued = 20_000;

    // unnest turns the column arrays into rows: one statement with a fixed text and eight parameters
    // whatever the batch size, instead of a VALUES list with eight parameters per row.
    private const string InsertSql = """
        INSERT INTO service_events (order_id, order_revision, action, at, at_tick, outlet_id, region, detail)
        SELECT * FROM unnest(@order_ids, @order_revisions, @actions, @ats, @at_ticks, @outlet_ids, @regions, @details)
        ON CONFLICT (order_id, order_revision) DO NOTHING
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresServiceEventStore> _logger;
    private readonly Channel<PendingAppend> _queue = Channel.CreateBounded<PendingAppend>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Task _writer;

    public PostgresServiceEventStore(NpgsqlDataSource dataSource, ILogger<PostgresServiceEventStore> logger)
    {
        _dataSource = dataSource;
        _logger = logger;

        // On the thread pool, outside whichever grain first asked for the store.
        _writer = Task.Run(WriteBatches);
    }

    public Task Append(ServiceEvent serviceEvent)
    {
        ArgumentNullException.ThrowIfNull(serviceEvent);

        // Completed by the writer: asynchronously, so no caller's continuation runs on the writer's loop.
        var pending = new PendingAppend(serviceEvent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending) ? pending.Stored.Task : AppendWhenRoom(pending);
    }

    public async Task<ServiceEventPage> Read(ServiceEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);

        var sql = new StringBuilder("""
            SELECT order_id, order_revision, action, at, at_tick, outlet_id, region, detail
              FROM service_events
             WHERE region = @region
               AND (at, at_tick) >= (@start, @start_tick)
               AND (at, at_tick) < (@end, @end_tick)
            """);
        await using var command = _dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<string>("region", NpgsqlDbType.Text) { TypedValue = ServiceEventRegions.Key(query.Region) });
        AddTime(command, "start", query.Start);
        AddTime(command, "end", query.End);
        if (query.After is { } after)
        {
            // A row comparison, so the listing index resumes right after the last event sent.
            sql.Append("\n   AND (at, at_tick, order_id, order_revision) > (@after, @after_tick, @after_order_id, @after_order_revision)");
            AddTime(command, "after", after.At);
            command.Parameters.Add(new NpgsqlParameter<string>("after_order_id", NpgsqlDbType.Text) { TypedValue = after.OrderId });
            command.Parameters.Add(new NpgsqlParameter<int>("after_order_revision", NpgsqlDbType.Integer) { TypedValue = after.OrderRevision });
        }

        if (query.OutletId is { } outletId)
        {
            sql.Append("\n   AND outlet_id = @outlet_id");
            command.Parameters.Add(new NpgsqlParameter<string>("outlet_id", NpgsqlDbType.Text) { TypedValue = outletId });
        }

        if (query.Actions.Count > 0)
        {
            sql.Append("\n   AND action = ANY(@actions)");
            command.Parameters.Add(new NpgsqlParameter<short[]>("actions", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = [.. query.Actions.Select(a => (short)a)] });
        }

        // One more than asked: whether it exists says if there is a next page.
        sql.Append("\n ORDER BY at, at_tick, order_id, order_revision\n LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = query.Limit + 1 });
        command.CommandText = sql.ToString();

        var events = new List<ServiceEvent>(Math.Min(query.Limit + 1, 1000));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var region = reader.GetString(6);
                events.Add(new ServiceEvent
                {
                    OrderId = reader.GetString(0),
                    OrderRevision = reader.GetInt32(1),
                    Action = (OrderAction)reader.GetInt16(2),
                    At = new DateTimeOffset(reader.GetDateTime(3).Ticks + reader.GetInt16(4), TimeSpan.Zero),
                    OutletId = reader.GetString(5),
                    Region = region == ServiceEventRegions.NoRegion ? string.Empty : region,
                    Detail = reader.GetString(7),
                });
            }
        }

        if (events.Count <= query.Limit)
        {
            return new ServiceEventPage(events, null);
        }

        events.RemoveAt(events.Count - 1);
        return new ServiceEventPage(events, ServiceEventPosition.Of(events[^1]));
    }

    /// <summary>Stops taking events, writes those already queued, and waits for the writer to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task AppendWhenRoom(PendingAppend pending)
    {
        await _queue.Writer.WriteAsync(pending);
        await pending.Stored.Task;
    }

    private async Task WriteBatches()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await Insert(batch);
                LogBatchWritten(batch.Count);
                foreach (var pending in batch)
                {
                    pending.Stored.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                // The writer must outlive a failed batch (e.g. the database briefly down): its callers
                // get the error and the events queued behind it are tried in the next batch.
                LogBatchFailed(ex, batch.Count);
                foreach (var pending in batch)
                {
                    pending.Stored.TrySetException(ex);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// The batch insert of <paramref name="sample"/>, run inside a transaction that is rolled back:
    /// warm-up runs the statement (and Npgsql's parameter handling) once, and no event is stored.
    /// </summary>
    public async Task RehearseAppend(ServiceEvent sample)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        AddInsertParameters(command, [new PendingAppend(sample, new TaskCompletionSource())]);
        await command.ExecuteNonQueryAsync();
        await transaction.RollbackAsync();
    }

    private async Task Insert(List<PendingAppend> batch)
    {
        await using var command = _dataSource.CreateCommand(InsertSql);
        AddInsertParameters(command, batch);
        await command.ExecuteNonQueryAsync();
    }

    private static void AddInsertParameters(NpgsqlCommand command, List<PendingAppend> batch)
    {
        var count = batch.Count;
        var (orderIds, revisions, actions, ats, ticks, outletIds, regions, details) =
            (new string[count], new int[count], new short[count], new DateTime[count], new short[count], new string[count], new string[count], new string[count]);
        for (var i = 0; i < count; i++)
        {
            var e = batch[i].Event;
            orderIds[i] = e.OrderId;
            revisions[i] = e.OrderRevision;
            actions[i] = (short)e.Action;
            (ats[i], ticks[i]) = Split(e.At);
            outletIds[i] = e.OutletId;
            regions[i] = ServiceEventRegions.Key(e.Region);
            details[i] = e.Detail;
        }

        command.Parameters.Add(new NpgsqlParameter<string[]>("order_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = orderIds });
        command.Parameters.Add(new NpgsqlParameter<int[]>("order_revisions", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = revisions });
        command.Parameters.Add(new NpgsqlParameter<short[]>("actions", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = actions });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = ats });
        command.Parameters.Add(new NpgsqlParameter<short[]>("at_ticks", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = ticks });
        command.Parameters.Add(new NpgsqlParameter<string[]>("outlet_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = outletIds });
        command.Parameters.Add(new NpgsqlParameter<string[]>("regions", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = regions });
        command.Parameters.Add(new NpgsqlParameter<string[]>("details", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = details });
    }

    private static void AddTime(NpgsqlCommand command, string name, DateTimeOffset at)
    {
        var (micros, tick) = Split(at);
        command.Parameters.Add(new NpgsqlParameter<DateTime>(name, NpgsqlDbType.TimestampTz) { TypedValue = micros });
        command.Parameters.Add(new NpgsqlParameter<short>(name + "_tick", NpgsqlDbType.Smallint) { TypedValue = tick });
    }

    /// <summary>The time as timestamptz can hold it (whole microseconds) and the 100 ns ticks beyond.</summary>
    private static (DateTime Micros, short Tick) Split(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return (new DateTime(ticks - (ticks % 10), DateTimeKind.Utc), (short)(ticks % 10));
    }

    private sealed record PendingAppend(ServiceEvent Event, TaskCompletionSource Stored);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wrote {Count} service events in one statement")]
    private partial void LogBatchWritten(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} service events failed; their appends fail")]
    private partial void LogBatchFailed(Exception exception, int count);
}
