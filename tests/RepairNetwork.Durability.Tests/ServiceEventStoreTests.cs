using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.ServiceLevels;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Durability.Tests;

/// <summary>
/// The PostgreSQL service event store: group-committed appends stored exactly once, replays ignored,
/// and listings that page through everything in order, with the same answers as the in-memory store.
/// </summary>
public sealed class ServiceEventStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 18, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Regions = ["CN-1", "CN-2", string.Empty];
    private static readonly OrderAction[] Actions = [OrderAction.Offered, OrderAction.OfferDeclined, OrderAction.OfferTimedOut, OrderAction.Escalated, OrderAction.ResponseDeadlineMissed];

    [Fact]
    public async Task Two_thousand_appends_from_fifty_tasks_are_stored_once_replays_are_ignored_and_paging_returns_each_once_in_order()
    {
        await using var database = await Migrated();
        var batches = new BatchLog();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var store = new PostgresServiceEventStore(dataSource, batches);
        var events = Generate(2_000, seed: 1);

        await AppendFrom50Tasks(store, events);
        // Replayed with other contents (as a crashed order re-running its effects might): ignored.
        await AppendFrom50Tasks(store, [.. events.Select(e => e with { Detail = "replay", At = e.At.AddHours(1) })]);

        Assert.Equal(events.Count, await database.ScalarAsync<long>("SELECT count(*) FROM service_events"));
        foreach (var region in Regions)
        {
            var expected = InReadingOrder(events.Where(e => e.Region == region));
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await ReadAll(store, new ServiceEventQuery(region, T0, T0.AddHours(1), 97)));
        }

        // Group commit: every append went through a batch, and concurrent ones shared statements.
        Assert.Equal(events.Count * 2, batches.Sizes.Sum());
        Assert.True(batches.Sizes.Count < events.Count / 2, $"{batches.Sizes.Count} statements for {events.Count * 2} appends");
    }

    [Fact]
    public async Task Listings_give_the_same_pages_as_the_in_memory_store_and_a_burst_is_written_in_capped_batches()
    {
        await using var database = await Migrated();
        var batches = new BatchLog();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var store = new PostgresServiceEventStore(dataSource, batches);
        var memory = new InMemoryServiceEventStore();
        var events = Generate(2_000, seed: 2);

        // All at once, no caller waiting for its own before the next: the queue fills beyond a batch.
        await Task.WhenAll(events.Select(store.Append));
        await Task.WhenAll(events.Select(memory.Append));
        Assert.Equal(PostgresServiceEventStore.MaxBatch, batches.Sizes.Max());
        Assert.True(batches.Sizes.Count >= events.Count / PostgresServiceEventStore.MaxBatch);

        var random = new Random(3);
        for (var i = 0; i < 40; i++)
        {
            // Bounds at tick resolution, so the sub-microsecond part of the stored times matters.
            var start = T0.AddTicks(random.Next(0, 300_000));
            var query = new ServiceEventQuery(Regions[i % Regions.Length], start, start.AddTicks(random.Next(1, 400_000)), random.Next(1, 60))
            {
                OutletId = i % 4 == 1 ? $"O-{random.Next(5)}" : null,
                Actions = i % 3 == 2 ? new HashSet<OrderAction> { Actions[random.Next(Actions.Length)], Actions[random.Next(Actions.Length)] } : new HashSet<OrderAction>(),
            };

            var expected = await ReadAll(memory, query);
            Assert.Equal(expected, await ReadAll(store, query));
            if (i % 5 == 0)
            {
                Assert.Equal(InReadingOrder(events.Where(e => e.Region == query.Region && e.At >= query.Start && e.At < query.End && query.Matches(e))), expected);
            }
        }
    }

    [Fact]
    public async Task A_batch_that_fails_fails_its_callers_and_the_store_keeps_writing_afterwards()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var store = new PostgresServiceEventStore(dataSource, NullLogger<PostgresServiceEventStore>.Instance);
        var events = Generate(3, seed: 4);

        // No table yet: the statement fails, and so does every append waiting on it.
        var failed = await Assert.ThrowsAsync<PostgresException>(() => store.Append(events[0]));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, failed.SqlState);

        await new SchemaMigrator(database.ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        await Task.WhenAll(events.Select(store.Append));

        Assert.Equal(events.Count, await database.ScalarAsync<long>("SELECT count(*) FROM service_events"));
    }

    private static async Task<TestDatabase> Migrated()
    {
        var database = await TestDatabase.CreateAsync();
        await new SchemaMigrator(database.ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        return database;
    }

    private static Task AppendFrom50Tasks(IServiceEventStore store, IReadOnlyList<ServiceEvent> events) =>
        Task.WhenAll(Enumerable.Range(0, 50).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < events.Count; i += 50)
            {
                await store.Append(events[i]);
            }
        })));

    private static async Task<List<ServiceEvent>> ReadAll(IServiceEventStore store, ServiceEventQuery query)
    {
        var events = new List<ServiceEvent>();
        while (true)
        {
            var page = await store.Read(query, TestContext.Current.CancellationToken);
            Assert.True(page.Events.Count <= query.Limit);
            events.AddRange(page.Events);
            if (page.Next is null)
            {
                return events;
            }

            Assert.Equal(query.Limit, page.Events.Count);
            query = query with { After = page.Next };
        }
    }

    private static List<ServiceEvent> InReadingOrder(IEnumerable<ServiceEvent> events) =>
        [.. events.OrderBy(e => e.At).ThenBy(e => e.OrderId, StringComparer.Ordinal).ThenBy(e => e.OrderRevision)];

    /// <summary>
    /// Events of 400 orders, five each, crowded into 30 ms: many share an instant, and most times
    /// have a sub-microsecond part that timestamptz alone would lose.
    /// </summary>
    private static List<ServiceEvent> Generate(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var region = Regions[random.Next(Regions.Length)];
            return new ServiceEvent
            {
                OrderId = $"RO-{seed}-{i / 5:D4}",
                OrderRevision = (i % 5) + 1,
                Action = region.Length == 0 ? OrderAction.Escalated : Actions[random.Next(Actions.Length)],
                At = T0.AddMilliseconds(random.Next(30)).AddTicks(random.Next(3) * random.Next(10)),
                OutletId = region.Length == 0 ? string.Empty : $"O-{random.Next(5)}",
                Region = region,
                Detail = $"event {i}: déclin – 拒绝",
            };
        })];
    }

    /// <summary>Records the size of each batch the store reports writing.</summary>
    private sealed class BatchLog : ILogger<PostgresServiceEventStore>
    {
        private readonly List<int> _sizes = [];

        public IReadOnlyList<int> Sizes
        {
            get
            {
                lock (_sizes)
                {
                    return [.. _sizes];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Debug && state is IReadOnlyList<KeyValuePair<string, object?>> fields && fields.FirstOrDefault(f => f.Key == "Count").Value is int size)
            {
                lock (_sizes)
                {
                    _sizes.Add(size);
                }
            }
        }
    }
}
