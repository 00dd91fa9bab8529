using RepairNetwork.Domain.Inventory;

namespace RepairNetwork.Domain.Tests;

public sealed class StockAlertTests
{
    private static StockLevel Level(int onHand, int reserved = 0) => StockLevel.Empty("SCR", default) with { OnHand = onHand, Reserved = reserved };

    [Theory]
    [InlineData(4, 0, false, null)]
    [InlineData(3, 0, false, StockAlertKind.LowStock)]
    [InlineData(5, 2, false, StockAlertKind.LowStock)]
    [InlineData(2, 0, true, null)]
    [InlineData(4, 0, true, StockAlertKind.Recovered)]
    public void An_alert_fires_only_when_the_reorder_point_is_crossed(int onHand, int reserved, bool flaggedLow, StockAlertKind? expected)
    {
        var point = ReorderPoint.Create("SCR", 3, 10);

        Assert.Equal(expected, StockAlerts.Crossing(point, Level(onHand, reserved), flaggedLow));
    }

    [Fact]
    public void Without_a_reorder_point_nothing_is_low()
    {
        Assert.Null(StockAlerts.Crossing(null, Level(0), flaggedLow: false));
        Assert.Equal(StockAlertKind.Recovered, StockAlerts.Crossing(null, Level(0), flaggedLow: true));
    }

    [Theory]
    [InlineData(-1, 1, "reorder_point")]
    [InlineData(1_000_001, 1, "reorder_point")]
    [InlineData(0, 0, "reorder_quantity")]
    [InlineData(0, 1_000_001, "reorder_quantity")]
    public void Out_of_range_values_are_rejected(int point, int quantity, string field) =>
        Assert.Equal(field, Assert.Throws<DomainException>(() => ReorderPoint.Create("SCR", point, quantity)).Field);
}
