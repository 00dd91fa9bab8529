using Orleans;

namespace RepairNetwork.Domain.Inventory;

/// <summary>When an outlet wants to reorder a SKU: available at or below the point; how many to order.</summary>
[GenerateSerializer, Alias("rn.ReorderPoint"), Immutable]
public sealed record ReorderPoint
{
    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required int Point { get; init; }

    [Id(2)] public required int Quantity { get; init; }

    public static ReorderPoint Create(string? sku, int point, int quantity)
    {
        if (point < 0 || point > StockLevel.MaxQuantity)
        {
            throw DomainException.Invalid("reorder_point", $"must be within [0, {StockLevel.MaxQuantity}] (got {point})");
        }

        if (quantity < 1 || quantity > StockLevel.MaxQuantity)
        {
            throw DomainException.Invalid("reorder_quantity", $"must be within [1, {StockLevel.MaxQuantity}] (got {quantity})");
        }

        return new ReorderPoint { Sku = Identifiers.RequireId(sku, "sku"), Point = point, Quantity = quantity };
    }

    /// <summary>Available stock at or below the point is low.</summary>
    public bool IsLow(StockLevel level) => level.Available <= Point;
}

public enum StockAlertKind
{
    /// <summary>Available fell to or below the reorder point.</summary>
    LowStock = 1,

    /// <summary>Available rose above the reorder point again.</summary>
    Recovered = 2,
}

/// <summary>One entry of an outlet's stock alert feed.</summary>
[GenerateSerializer, Alias("rn.StockAlert"), Immutable]
public sealed record StockAlert
{
    [Id(0)] public required long Sequence { get; init; }

    [Id(1)] public required string Sku { get; init; }

    [Id(2)] public required StockAlertKind Kind { get; init; }

    [Id(3)] public required int Available { get; init; }

    [Id(4)] public required int OnHand { get; init; }

    [Id(5)] public required ReorderPoint ReorderPoint { get; init; }

    [Id(6)] public required DateTimeOffset At { get; init; }
}

/// <summary>Low-stock alerts fire once per crossing of the reorder point, not on every movement.</summary>
public static class StockAlerts
{
    /// <summary>
    /// The alert a SKU's level calls for, given whether it is already flagged low: LowStock when it is
    /// low and was not, Recovered when it was low and no longer is (or has no reorder point any more),
    /// otherwise none.
    /// </summary>
    public static StockAlertKind? Crossing(ReorderPoint? point, StockLevel level, bool flaggedLow)
    {
        var low = point is not null && point.IsLow(level);
        return (low, flaggedLow) switch
        {
            (true, false) => StockAlertKind.LowStock,
            (false, true) => StockAlertKind.Recovered,
            _ => null,
        };
    }
}
