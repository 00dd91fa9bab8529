using System.Collections.Immutable;
using RepairNetwork.Domain.Inventory;

namespace RepairNetwork.Domain.Tests;

public sealed class ReservationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 10, 8, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, StockLevel> Stock(params (string Sku, int OnHand, int Reserved)[] levels) =>
        levels.ToDictionary(l => l.Sku, l => StockLevel.Empty(l.Sku, T0) with { OnHand = l.OnHand, Reserved = l.Reserved }, StringComparer.Ordinal);

    private static ImmutableArray<PartQuantity> Parts(params (string Sku, int Quantity)[] lines) => [.. lines.Select(l => PartQuantity.Of(l.Sku, l.Quantity))];

    [Fact]
    public void Lines_are_summed_per_sku_and_sorted()
    {
        var lines = Reservations.Lines(Parts(("SCR", 1), ("BAT", 2), ("SCR", 3)), "parts", allowEmpty: false);

        Assert.Equal(Parts(("BAT", 2), ("SCR", 4)), lines);
    }

    [Theory]
    [InlineData("bad sku!", 1, "parts[0].sku")]
    [InlineData("SCR", 0, "parts[0].quantity")]
    [InlineData("SCR", -3, "parts[0].quantity")]
    [InlineData("SCR", 1_000_001, "parts[0].quantity")]
    public void Bad_lines_are_rejected_naming_the_field(string sku, int quantity, string field)
    {
        var error = Assert.Throws<DomainException>(() => Reservations.Lines(Parts((sku, quantity)), "parts", allowEmpty: false));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void No_lines_or_too_many_lines_are_rejected()
    {
        Assert.Equal("parts", Assert.Throws<DomainException>(() => Reservations.Lines([], "parts", allowEmpty: false)).Field);
        Assert.Empty(Reservations.Lines([], "fitted", allowEmpty: true));
        var many = Parts([.. Enumerable.Range(0, Reservations.MaxLines + 1).Select(i => ($"P{i}", 1))]);
        Assert.Equal("parts", Assert.Throws<DomainException>(() => Reservations.Lines(many, "parts", allowEmpty: false)).Field);
    }

    [Fact]
    public void Holding_raises_reserved_not_on_hand_and_records_a_movement_per_line()
    {
        var change = new StockChange(Stock(("SCR", 5, 1), ("BAT", 2, 0)), 7, T0);
        var lines = Parts(("BAT", 2), ("SCR", 3));

        Assert.Empty(Reservations.Shortfalls(change, lines));
        var reservation = Reservations.Hold(change, "RO-1", lines);

        Assert.Equal(ReservationStatus.Held, reservation.Status);
        Assert.Equal(4, change.Levels["SCR"].Reserved);
        Assert.Equal(5, change.Levels["SCR"].OnHand);
        Assert.Equal(0, change.Levels["BAT"].Available);
        Assert.Equal([8L, 9L], change.Movements.Select(m => m.Sequence));
        Assert.All(change.Movements, m => Assert.Equal((0, StockAdjustmentKind.Reserve, "RO-1"), (m.OnHandDelta, m.Adjustment.Kind, m.OrderId)));
        Assert.Equal(4, change.Movements[1].ReservedAfter);
    }

    [Fact]
    public void Shortfalls_name_each_short_sku_with_what_is_available()
    {
        var change = new StockChange(Stock(("SCR", 5, 4), ("BAT", 9, 0)), 0, T0);

        var shortfalls = Reservations.Shortfalls(change, Parts(("BAT", 2), ("CAM", 1), ("SCR", 3)));

        Assert.Equal(
            [new PartShortfall { Sku = "CAM", Requested = 1, Available = 0 }, new PartShortfall { Sku = "SCR", Requested = 3, Available = 1 }],
            shortfalls);
        Assert.Throws<DomainException>(() => change.Level("SCR").Reserve(2, T0));
    }

    [Fact]
    public void Release_gives_the_hold_back_once()
    {
        var change = new StockChange(Stock(("SCR", 5, 0)), 0, T0);
        var held = Reservations.Hold(change, "RO-1", Parts(("SCR", 2)));
        var release = new StockChange(change.Levels, 1, T0);

        var released = Reservations.Release(release, held);
        var again = Reservations.Release(release, released);

        Assert.Equal(ReservationStatus.Released, again.Status);
        Assert.Equal(0, release.Levels["SCR"].Reserved);
        Assert.Equal(StockAdjustmentKind.Release, Assert.Single(release.Movements).Adjustment.Kind);
    }

    [Fact]
    public void Consumption_fits_held_units_releases_the_unused_and_takes_extras_from_available()
    {
        var stock = Stock(("SCR", 5, 0), ("BAT", 3, 0), ("CAM", 2, 0));
        var change = new StockChange(stock, 0, T0);
        var held = Reservations.Hold(change, "RO-1", Parts(("BAT", 2), ("SCR", 1)));
        foreach (var (sku, level) in change.Levels)
        {
            stock[sku] = level;
        }

        var consume = new StockChange(stock, 2, T0);

        var consumed = Reservations.Consume(consume, "RO-1", held, Parts(("CAM", 1), ("SCR", 2)));

        Assert.Equal(ReservationStatus.Consumed, consumed.Status);
        Assert.Equal((3, 0), (consume.Levels["BAT"].OnHand, consume.Levels["BAT"].Reserved));
        Assert.Equal((3, 0), (consume.Levels["SCR"].OnHand, consume.Levels["SCR"].Reserved));
        Assert.Equal((1, 0), (consume.Levels["CAM"].OnHand, consume.Levels["CAM"].Reserved));
        Assert.Equal(-3, consume.Movements.Sum(m => m.OnHandDelta));
        Assert.Equal(
            [StockAdjustmentKind.Release, StockAdjustmentKind.Consume, StockAdjustmentKind.ConsumeReserved, StockAdjustmentKind.Consume],
            consume.Movements.Select(m => m.Adjustment.Kind));
    }

    [Fact]
    public void Fitting_more_than_is_available_is_refused()
    {
        var change = new StockChange(Stock(("SCR", 2, 1)), 0, T0);

        var error = Assert.Throws<DomainException>(() => Reservations.Consume(change, "RO-1", null, Parts(("SCR", 2))));

        Assert.Equal(DomainErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("SCR", error.Message, StringComparison.Ordinal);
    }
}
