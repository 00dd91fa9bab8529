using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.ServiceLevels;

namespace RepairNetwork.Grains.Tests;

/// <summary>The in-memory service event store: idempotent appends, reading order, keyset paging, filters.</summary>
public sealed class ServiceEventStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 18, 9, 0, 0, TimeSpan.Zero);

    private readonly InMemoryServiceEventStore _store = new();

    [Fact]
    public async Task An_event_appended_again_under_the_same_order_and_revision_is_ignored()
    {
        var first = Event("RO-1", 3, T0, detail: "first");
        await _store.Append(first);
        await _store.Append(first);
        await _store.Append(first with { Detail = "replayed with other text", At = T0.AddMinutes(5) });
        await _store.Append(first with { OrderRevision = 4 });

        var events = await ReadAll(Query("CN-1", T0, T0.AddHours(1)));

        Assert.Equal([first, first with { OrderRevision = 4 }], events);
    }

    [Fact]
    public async Task Events_read_by_time_then_order_id_ordinally_then_revision_whatever_order_they_came_in()
    {
        List<ServiceEvent> expected =
        [
            Event("RO-B", 2, T0),
            Event("RO-B", 10, T0),
            Event("RO-a", 1, T0),
            Event("RO-A", 5, T0.AddTicks(1)),
            Event("RO-A", 1, T0.AddSeconds(1)),
        ];
        foreach (var e in expected.AsEnumerable().Reverse())
        {
            await _store.Append(e);
        }

        Assert.Equal(expected, await ReadAll(Query("CN-1", T0, T0.AddHours(1))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(30)]
    public async Task Pages_resume_after_the_last_event_even_among_events_at_the_same_instant(int pageSize)
    {
        // Ten events at one instant, five a tick later: pages split inside a run of equal times.
        var expected = Enumerable.Range(0, 10).Select(i => Event($"RO-{i % 4}", i, T0))
            .Concat(Enumerable.Range(0, 5).Select(i => Event($"RO-{i}", 100, T0.AddTicks(1))))
            .OrderBy(e => e.At).ThenBy(e => e.OrderId, StringComparer.Ordinal).ThenBy(e => e.OrderRevision)
            .ToList();
        await Task.WhenAll(expected.Select(_store.Append));

        var pages = new List<ServiceEventPage>();
        var query = Query("CN-1", T0, T0.AddHours(1)) with { Limit = pageSize };
        do
        {
            pages.Add(await _store.Read(query, TestContext.Current.CancellationToken));
            query = query with { After = pages[^1].Next };
        }
        while (query.After is not null);

        Assert.Equal(expected, pages.SelectMany(p => p.Events));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(pageSize, p.Events.Count));
        Assert.Equal((expected.Count + pageSize - 1) / pageSize, pages.Count);
    }

    [Fact]
    public async Task A_listing_keeps_to_its_region_period_outlet_and_actions()
    {
        var inside = Event("RO-1", 1, T0, outlet: "O-1");
        var declined = Event("RO-1", 2, T0.AddMinutes(1), outlet: "O-1", action: OrderAction.OfferDeclined);
        var otherOutlet = Event("RO-2", 1, T0.AddMinutes(2), outlet: "O-2");
        var atEnd = Event("RO-3", 1, T0.AddHours(1), outlet: "O-1");
        var beforeStart = Event("RO-4", 1, T0.AddTicks(-1), outlet: "O-1");
        var otherRegion = Event("RO-5", 1, T0, outlet: "O-9", region: "CN-2");
        var noRegion = Event("RO-6", 1, T0, outlet: string.Empty, region: string.Empty, action: OrderAction.Escalated);
        foreach (var e in new[] { inside, declined, otherOutlet, atEnd, beforeStart, otherRegion, noRegion })
        {
            await _store.Append(e);
        }

        var hour = Query("CN-1", T0, T0.AddHours(1));
        Assert.Equal([inside, declined, otherOutlet], await ReadAll(hour));
        Assert.Equal([inside, declined], await ReadAll(hour with { OutletId = "O-1" }));
        Assert.Equal([declined], await ReadAll(hour with { OutletId = "O-1", Actions = new HashSet<OrderAction> { OrderAction.OfferDeclined } }));
        Assert.Equal([inside, otherOutlet], await ReadAll(hour with { Actions = new HashSet<OrderAction> { OrderAction.Offered, OrderAction.Escalated } }));
        Assert.Equal([atEnd], await ReadAll(Query("CN-1", T0.AddHours(1), T0.AddHours(2))));
        Assert.Equal([beforeStart], await ReadAll(Query("CN-1", T0.AddHours(-1), T0)));
        Assert.Equal([otherRegion], await ReadAll(Query("CN-2", T0, T0.AddHours(1))));
        Assert.Empty(await ReadAll(Query("CN-3", T0, T0.AddHours(1))));

        // Events with no region are listed under "_" (or the empty region) and keep their empty region.
        Assert.Equal([noRegion], await ReadAll(Query(ServiceEventRegions.NoRegion, T0, T0.AddHours(1))));
        Assert.Equal([noRegion], await ReadAll(Query(string.Empty, T0, T0.AddHours(1))));
    }

    [Fact]
    public async Task A_position_before_the_period_starts_at_the_period_and_one_after_it_reads_nothing()
    {
        var e = Event("RO-1", 1, T0.AddMinutes(30));
        await _store.Append(e);
        var hour = Query("CN-1", T0, T0.AddHours(1));

        Assert.Equal([e], await ReadAll(hour with { After = new ServiceEventPosition(T0.AddDays(-1), "RO-9", 9) }));
        Assert.Empty(await ReadAll(hour with { After = ServiceEventPosition.Of(e) }));
        Assert.Empty(await ReadAll(hour with { After = new ServiceEventPosition(T0.AddDays(1), "RO-0", 0) }));
    }

    [Fact]
    public async Task Concurrent_appends_with_replays_store_each_event_once()
    {
        var events = Enumerable.Range(0, 2_000).Select(i => Event($"RO-{i % 100}", i / 100, T0.AddMilliseconds(i % 7))).ToList();

        // Every event sent twice, from 50 tasks at once.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < events.Count * 2; i += 50)
            {
                await _store.Append(events[i % events.Count]);
            }
        })));

        var stored = await ReadAll(Query("CN-1", T0, T0.AddHours(1)) with { Limit = 300 });
        Assert.Equal(events.Count, stored.Count);
        Assert.Equal(events.ToHashSet(), stored.ToHashSet());
    }

    private static ServiceEventQuery Query(string region, DateTimeOffset start, DateTimeOffset end) => new(region, start, end, 2);

    private async Task<List<ServiceEvent>> ReadAll(ServiceEventQuery query)
    {
        var events = new List<ServiceEvent>();
        while (true)
        {
            var page = await _store.Read(query, TestContext.Current.CancellationToken);
            Assert.True(page.Events.Count <= query.Limit);
            events.AddRange(page.Events);
            if (page.Next is null)
            {
                return events;
            }

            query = query with { After = page.Next };
        }
    }

    private static ServiceEvent Event(string orderId, int revision, DateTimeOffset at, string outlet = "O-1", string region = "CN-1", OrderAction action = OrderAction.Offered, string detail = "") => new()
    {
        OrderId = orderId,
        OrderRevision = revision,
        Action = action,
        At = at,
        OutletId = outlet,
        Region = region,
        Detail = detail,
    };
}
