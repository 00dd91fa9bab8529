using System.Collections.Immutable;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Parts;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Grains.Parts;

namespace RepairNetwork.Grains.Tests;

/// <summary>Reservations on the outlet inventory grain: all or nothing, once per order, never below zero.</summary>
public sealed class InventoryReservationTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IGrainFactory Grains => fixture.Grains;

    private static ImmutableArray<PartQuantity> Parts(params (string Sku, int Quantity)[] lines) => [.. lines.Select(l => PartQuantity.Of(l.Sku, l.Quantity))];

    [Fact]
    public async Task A_hundred_concurrent_reservations_against_ten_units_reserve_exactly_ten_and_the_ledger_sums_to_on_hand()
    {
        var (stock, sku) = await Stocked("RACE", ("SCR-RACE", 10));

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => stock.Reserve($"RO-RACE-{i}", Parts((sku, 1)))));

        Assert.Equal(10, results.Count(r => r.Reserved));
        Assert.All(results.Where(r => !r.Reserved), r => Assert.Equal(new PartShortfall { Sku = sku, Requested = 1, Available = 0 }, Assert.Single(r.Shortfalls)));
        var level = (await stock.Get([sku])).Levels.Single();
        Assert.Equal((10, 10, 0), (level.OnHand, level.Reserved, level.Available));
        var ledger = await Ledger(stock);
        Assert.Equal(level.OnHand, ledger.Where(m => m.Adjustment.Sku == sku).Sum(m => m.OnHandDelta));
        Assert.Equal(10, ledger.Count(m => m.Adjustment.Kind == StockAdjustmentKind.Reserve));
    }

    [Fact]
    public async Task A_reservation_is_all_or_nothing_and_idempotent_per_order()
    {
        var (stock, _) = await Stocked("ALL", ("SCR-ALL", 2), ("BAT-ALL", 1));

        var refused = await stock.Reserve("RO-1", Parts(("SCR-ALL", 1), ("BAT-ALL", 2)));
        Assert.False(refused.Reserved);
        Assert.Equal("BAT-ALL", Assert.Single(refused.Shortfalls).Sku);
        Assert.All((await stock.Get([])).Levels, l => Assert.Equal(0, l.Reserved));
        Assert.Null(await stock.GetReservation("RO-1"));

        var held = await stock.Reserve("RO-1", Parts(("SCR-ALL", 1), ("BAT-ALL", 1)));
        var retried = await stock.Reserve("RO-1", Parts(("BAT-ALL", 1), ("SCR-ALL", 1)));
        var other = await Assert.ThrowsAsync<DomainException>(() => stock.Reserve("RO-1", Parts(("SCR-ALL", 2))));

        Assert.True(held.Reserved);
        Assert.False(held.Replayed);
        Assert.True(retried.Reserved);
        Assert.True(retried.Replayed);
        Assert.Equal(DomainErrorKind.AlreadyExists, other.Kind);
        Assert.Equal([1, 1], (await stock.Get(["BAT-ALL", "SCR-ALL"])).Levels.Select(l => l.Reserved));
    }

    [Fact]
    public async Task Release_is_idempotent_and_gives_the_parts_back()
    {
        var (stock, sku) = await Stocked("REL", ("SCR-REL", 3));
        await stock.Reserve("RO-1", Parts((sku, 2)));

        await stock.Release("RO-1");
        await stock.Release("RO-1");
        await stock.Release("RO-NEVER");

        var level = (await stock.Get([sku])).Levels.Single();
        Assert.Equal((3, 0), (level.OnHand, level.Reserved));
        Assert.Equal(ReservationStatus.Released, (await stock.GetReservation("RO-1"))?.Status);
        var ledger = await Ledger(stock);
        Assert.Equal([StockAdjustmentKind.Release, StockAdjustmentKind.Reserve, StockAdjustmentKind.Receive], ledger.Select(m => m.Adjustment.Kind));
        Assert.All(ledger.Take(2), m => Assert.Equal((0, "RO-1"), (m.OnHandDelta, m.OrderId)));

        var again = await stock.Reserve("RO-1", Parts((sku, 2)));
        Assert.True(again.Reserved);
    }

    [Fact]
    public async Task Consumption_happens_once_per_order_and_takes_extra_fitted_parts_from_available()
    {
        var (stock, _) = await Stocked("USE", ("SCR-USE", 5), ("BAT-USE", 2));
        await stock.Reserve("RO-1", Parts(("SCR-USE", 2), ("BAT-USE", 1)));

        var first = await stock.ConsumeReservation("RO-1", Parts(("SCR-USE", 3)));
        var retried = await stock.ConsumeReservation("RO-1", Parts(("SCR-USE", 3)));
        var different = await Assert.ThrowsAsync<DomainException>(() => stock.ConsumeReservation("RO-1", Parts(("SCR-USE", 1))));
        var reserveAfter = await Assert.ThrowsAsync<DomainException>(() => stock.Reserve("RO-1", Parts(("SCR-USE", 1))));
        await stock.Release("RO-1");

        Assert.False(first.Replayed);
        Assert.True(retried.Replayed);
        Assert.Equal(DomainErrorKind.AlreadyExists, different.Kind);
        Assert.Equal(DomainErrorKind.FailedPrecondition, reserveAfter.Kind);
        var levels = (await stock.Get(["BAT-USE", "SCR-USE"])).Levels;
        Assert.Equal([(2, 0), (2, 0)], levels.Select(l => (l.OnHand, l.Reserved)));
        var ledger = await Ledger(stock);
        Assert.All(levels, l => Assert.Equal(l.OnHand, ledger.Where(m => m.Adjustment.Sku == l.Sku).Sum(m => m.OnHandDelta)));
    }

    [Fact]
    public async Task Fitting_more_than_is_available_or_a_part_outside_the_catalog_changes_nothing()
    {
        var (stock, sku) = await Stocked("SHORT", ("SCR-SHORT", 2));
        await stock.Reserve("RO-1", Parts((sku, 1)));
        await stock.Reserve("RO-2", Parts((sku, 1)));
        var before = await stock.Get([]);

        var short_ = await Assert.ThrowsAsync<DomainException>(() => stock.ConsumeReservation("RO-1", Parts((sku, 2))));
        var knockoff = await Assert.ThrowsAsync<DomainException>(() => stock.Reserve("RO-3", Parts(("KNOCKOFF-9", 1))));
        var badQuantity = await Assert.ThrowsAsync<DomainException>(() => stock.Reserve("RO-4", Parts((sku, -1))));
        var badOrder = await Assert.ThrowsAsync<DomainException>(() => stock.Reserve("no such id!", Parts((sku, 1))));

        Assert.Equal(DomainErrorKind.FailedPrecondition, short_.Kind);
        Assert.Equal("parts[0].sku", knockoff.Field);
        Assert.Equal("parts[0].quantity", badQuantity.Field);
        Assert.Equal("order_id", badOrder.Field);
        var after = await stock.Get([]);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Levels, after.Levels);
        Assert.Equal(ReservationStatus.Held, (await stock.GetReservation("RO-1"))?.Status);
    }

    [Fact]
    public async Task A_long_ledger_moves_to_pages_yet_lists_whole_sums_to_on_hand_and_still_recognises_old_keys()
    {
        var (stock, sku) = await Stocked("LONG", ("SCR-LONG", 1));
        const int Movements = 1_600; // two archived pages beyond what state keeps
        for (var i = 1; i < Movements; i++)
        {
            await stock.Adjust(StockAdjustment.Create(sku, i % 3 == 0 ? StockAdjustmentKind.Consume : StockAdjustmentKind.Receive, 1, "churn", $"k-{i}"));
        }

        var all = new List<StockMovement>();
        var before = long.MaxValue;
        for (var more = true; more;)
        {
            var page = await stock.ListMovements(null, before, 300);
            all.AddRange(page.Movements);
            (more, before) = (page.More, page.NextBefore);
        }

        Assert.Equal(Enumerable.Range(1, Movements).Reverse().Select(i => (long)i), all.Select(m => m.Sequence));
        var level = (await stock.Get([sku])).Levels.Single();
        Assert.Equal(level.OnHand, all.Sum(m => m.OnHandDelta));

        // The first keys' movements are archived: a retry still replays, a reuse is still refused.
        var replay = await stock.Adjust(StockAdjustment.Create(sku, StockAdjustmentKind.Receive, 1, "churn", "k-1"));
        Assert.True(replay.Replayed);
        var reuse = await Assert.ThrowsAsync<DomainException>(() => stock.Adjust(StockAdjustment.Create(sku, StockAdjustmentKind.Receive, 5, "churn", "k-1")));
        Assert.Equal(DomainErrorKind.AlreadyExists, reuse.Kind);
        Assert.Equal(level, (await stock.Get([sku])).Levels.Single());

        // One SKU's history across pages, oldest page included.
        var firstPage = await stock.ListMovements(sku, 3, 10);
        Assert.Equal([2L, 1L], firstPage.Movements.Select(m => m.Sequence));
    }

    private async Task<(IOutletInventoryGrain Stock, string FirstSku)> Stocked(string prefix, params (string Sku, int OnHand)[] levels)
    {
        var stock = Grains.GetGrain<IOutletInventoryGrain>($"{prefix}-{Guid.NewGuid():N}");
        foreach (var (sku, onHand) in levels)
        {
            await Grains.GetGrain<IPartGrain>(sku).Create(CatalogParts.Create(sku, $"Part {sku}", "phone", [], false, 1000, "CNY", false));
            await stock.Adjust(StockAdjustment.Create(sku, StockAdjustmentKind.Receive, onHand, "delivery", $"receive-{sku}"));
        }

        return (stock, levels[0].Sku);
    }

    /// <summary>The whole ledger, newest first.</summary>
    private static async Task<ImmutableArray<StockMovement>> Ledger(IOutletInventoryGrain stock) => (await stock.ListMovements(null, long.MaxValue, 1000)).Movements;
}
