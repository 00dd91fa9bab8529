using RepairNetwork.Domain.Inventory;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class StockTests
{
    private const string Sku = "LCD-X1";
    private static readonly DateTimeOffset T0 = new(2025, 6, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5);

    private static StockAdjustment Adjust(StockAdjustmentKind kind, int quantity) =>
        StockAdjustment.Create(Sku, kind, quantity, "test", $"key-{kind}-{quantity}");

    private static StockLevel Level(int onHand, int reserved = 0) => StockLevel.Empty(Sku, T0) with { OnHand = onHand, Reserved = reserved };

    [Fact]
    public void Empty_stock_has_nothing_on_hand_or_available()
    {
        var level = StockLevel.Empty(Sku, T0);

        Assert.Equal(0, level.OnHand);
        Assert.Equal(0, level.Available);
        Assert.Equal(T0, level.UpdatedAt);
    }

    [Fact]
    public void Receiving_adds_to_on_hand_and_stamps_the_time()
    {
        var level = StockLevel.Empty(Sku, T0).Apply(Adjust(StockAdjustmentKind.Receive, 5), T1);

        Assert.Equal(5, level.OnHand);
        Assert.Equal(5, level.Available);
        Assert.Equal(T1, level.UpdatedAt);
        Assert.Equal(12, level.Apply(Adjust(StockAdjustmentKind.Receive, 7), T1).OnHand);
    }

    [Theory]
    [InlineData(StockAdjustmentKind.Consume)]
    [InlineData(StockAdjustmentKind.DamageWriteOff)]
    public void Consuming_or_writing_off_removes_from_on_hand(StockAdjustmentKind kind)
    {
        var level = Level(10, reserved: 4).Apply(Adjust(kind, 6), T1);

        Assert.Equal(4, level.OnHand);
        Assert.Equal(0, level.Available);
    }

    [Theory]
    [InlineData(StockAdjustmentKind.Consume)]
    [InlineData(StockAdjustmentKind.DamageWriteOff)]
    public void Removing_more_than_is_available_is_rejected_as_a_failed_precondition(StockAdjustmentKind kind)
    {
        var level = Level(10, reserved: 4);

        var ex = AssertPrecondition(() => level.Apply(Adjust(kind, 7), T1));

        Assert.Contains("only 6 available", ex.Message, StringComparison.Ordinal);
        AssertPrecondition(() => Level(3).Apply(Adjust(kind, 4), T1));
        Assert.Equal(0, Level(3).Apply(Adjust(kind, 3), T1).OnHand);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(50)]
    public void A_count_correction_sets_on_hand_to_the_counted_quantity(int counted)
    {
        var level = Level(17, reserved: 4).Apply(Adjust(StockAdjustmentKind.CountCorrection, counted < 4 ? 4 : counted), T1);

        Assert.Equal(counted < 4 ? 4 : counted, level.OnHand);
        Assert.Equal(counted, Level(17).Apply(Adjust(StockAdjustmentKind.CountCorrection, counted), T1).OnHand);
    }

    [Fact]
    public void A_count_below_what_is_reserved_is_rejected_as_a_failed_precondition()
    {
        var ex = AssertPrecondition(() => Level(10, reserved: 4).Apply(Adjust(StockAdjustmentKind.CountCorrection, 3), T1));

        Assert.Contains("reserved", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_hand_may_reach_but_not_exceed_the_maximum_quantity()
    {
        var nearlyFull = Level(StockLevel.MaxQuantity - 1);

        Assert.Equal(StockLevel.MaxQuantity, nearlyFull.Apply(Adjust(StockAdjustmentKind.Receive, 1), T1).OnHand);
        AssertPrecondition(() => nearlyFull.Apply(Adjust(StockAdjustmentKind.Receive, 2), T1));
    }

    [Fact]
    public void A_rejected_adjustment_leaves_the_level_unchanged()
    {
        var level = Level(10, reserved: 4);

        AssertPrecondition(() => level.Apply(Adjust(StockAdjustmentKind.Consume, 7), T1));

        Assert.Equal(10, level.OnHand);
        Assert.Equal(T0, level.UpdatedAt);
    }

    [Fact]
    public void An_adjustment_of_unspecified_kind_is_rejected()
    {
        var adjustment = Adjust(StockAdjustmentKind.Receive, 1) with { Kind = 0 };

        AssertInvalid("kind", () => Level(1).Apply(adjustment, T1));
    }

    [Theory]
    [InlineData(StockAdjustmentKind.Receive, 0)]
    [InlineData(StockAdjustmentKind.Receive, -1)]
    [InlineData(StockAdjustmentKind.Consume, 0)]
    [InlineData(StockAdjustmentKind.DamageWriteOff, 0)]
    [InlineData(StockAdjustmentKind.CountCorrection, -1)]
    [InlineData(StockAdjustmentKind.Receive, StockLevel.MaxQuantity + 1)]
    [InlineData(StockAdjustmentKind.CountCorrection, StockLevel.MaxQuantity + 1)]
    [InlineData(StockAdjustmentKind.Consume, int.MinValue)]
    public void Quantities_outside_the_range_for_their_kind_are_rejected(StockAdjustmentKind kind, int quantity)
    {
        AssertInvalid("quantity", () => StockAdjustment.Create(Sku, kind, quantity, "test", "key-1"));
    }

    [Theory]
    [InlineData(StockAdjustmentKind.Receive, 1)]
    [InlineData(StockAdjustmentKind.Consume, 1)]
    [InlineData(StockAdjustmentKind.DamageWriteOff, StockLevel.MaxQuantity)]
    [InlineData(StockAdjustmentKind.CountCorrection, 0)]
    [InlineData(StockAdjustmentKind.CountCorrection, StockLevel.MaxQuantity)]
    public void Quantities_at_the_limits_for_their_kind_are_accepted(StockAdjustmentKind kind, int quantity)
    {
        Assert.Equal(quantity, StockAdjustment.Create(Sku, kind, quantity, "test", "key-1").Quantity);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("key\u0000")]
    [InlineData("key\n")]
    public void An_idempotency_key_is_required_and_printable(string? key)
    {
        AssertInvalid("idempotency_key", () => StockAdjustment.Create(Sku, StockAdjustmentKind.Receive, 1, "delivery", key));
    }

    [Fact]
    public void An_idempotency_key_may_be_128_characters_but_not_129()
    {
        Assert.Equal(128, StockAdjustment.Create(Sku, StockAdjustmentKind.Receive, 1, "delivery", new string('k', 128)).IdempotencyKey.Length);
        AssertInvalid("idempotency_key", () => StockAdjustment.Create(Sku, StockAdjustmentKind.Receive, 1, "delivery", new string('k', 129)));
    }

    [Fact]
    public void An_adjustment_needs_a_valid_sku_and_a_reason()
    {
        AssertInvalid("sku", () => StockAdjustment.Create("bad sku", StockAdjustmentKind.Receive, 1, "delivery", "key-1"));
        AssertInvalid("sku", () => StockAdjustment.Create(null, StockAdjustmentKind.Receive, 1, "delivery", "key-1"));
        AssertInvalid("reason", () => StockAdjustment.Create(Sku, StockAdjustmentKind.Receive, 1, " ", "key-1"));
    }
}
