using Orleans;

namespace RepairNetwork.Domain.Inventory;

/// <summary>What a stock adjustment does.</summary>
public enum StockAdjustmentKind
{
    // Movements the platform makes for repair orders, never sent through AdjustStock; numbered apart
    // so adjustment kinds can grow from 5 up.

    /// <summary>Units held for an order: reserved rises, on hand stays.</summary>
    Reserve = 20,

    /// <summary>An order's hold given back (cancelled, moved, or reserved but not fitted): reserved falls.</summary>
    Release = 21,

    /// <summary>Reserved units fitted in an order's repair: on hand and reserved both fall.</summary>
    ConsumeReserved = 22,

    Receive = 1,
    CountCorrection = 2,
    Consume = 3,
    DamageWriteOff = 4,

    /// <summary>Shipped to another outlet by a stock transfer: on hand decreases, never below reserved.</summary>
    TransferOut = 5,

    /// <summary>Received from another outlet by a stock transfer: on hand increases.</summary>
    TransferIn = 6,
}

/// <summary>Stock of one SKU at one outlet. Available is what is neither used nor held for an order.</summary>
[GenerateSerializer, Alias("rn.StockLevel"), Immutable]
public sealed record StockLevel
{
    public const int MaxQuantity = 1_000_000;

    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required int OnHand { get; init; }

    [Id(2)] public required int Reserved { get; init; }

    [Id(3)] public required DateTimeOffset UpdatedAt { get; init; }

    public int Available => OnHand - Reserved;

    public static StockLevel Empty(string sku, DateTimeOffset now) => new() { Sku = sku, OnHand = 0, Reserved = 0, UpdatedAt = now };

    /// <summary>Holds <paramref name="quantity"/> units for an order; never more than is available.</summary>
    public StockLevel Reserve(int quantity, DateTimeOffset now) =>
        quantity < 1 || quantity > Available
            ? throw DomainException.Precondition($"{Sku}: only {Available} available (on hand {OnHand}, reserved {Reserved}), cannot reserve {quantity}")
            : this with { Reserved = Reserved + quantity, UpdatedAt = now };

    /// <summary>Gives back units held for an order.</summary>
    public StockLevel Unreserve(int quantity, DateTimeOffset now) =>
        quantity < 1 || quantity > Reserved
            ? throw new InvalidOperationException($"{Sku}: cannot release {quantity} of {Reserved} reserved")
            : this with { Reserved = Reserved - quantity, UpdatedAt = now };

    /// <summary>Fits units that were held for an order: they leave the shelf and the hold.</summary>
    public StockLevel ConsumeReserved(int quantity, DateTimeOffset now) =>
        quantity < 1 || quantity > Reserved
            ? throw new InvalidOperationException($"{Sku}: cannot consume {quantity} of {Reserved} reserved")
            : this with { OnHand = OnHand - quantity, Reserved = Reserved - quantity, UpdatedAt = now };

    /// <summary>Applies an adjustment; never lets on-hand fall below what is reserved.</summary>
    public StockLevel Apply(StockAdjustment adjustment, DateTimeOffset now)
    {
        var quantity = adjustment.Quantity;
        var onHand = adjustment.Kind switch
        {
            StockAdjustmentKind.Receive or StockAdjustmentKind.TransferIn => OnHand + quantity,
            StockAdjustmentKind.CountCorrection => quantity,
            StockAdjustmentKind.Consume or StockAdjustmentKind.DamageWriteOff or StockAdjustmentKind.TransferOut => OnHand - quantity,
            _ => throw DomainException.Invalid("kind", "must be specified"),
        };

        if (onHand > MaxQuantity)
        {
            throw DomainException.Precondition($"{Sku}: on hand would be {onHand}, above the limit of {MaxQuantity}");
        }

        if (onHand < Reserved)
        {
            throw adjustment.Kind == StockAdjustmentKind.CountCorrection
                ? DomainException.Precondition($"{Sku}: counted {quantity} but {Reserved} are reserved for repair orders; release reservations first")
                : DomainException.Precondition($"{Sku}: only {Available} available (on hand {OnHand}, reserved {Reserved}), cannot remove {quantity}");
        }

        return this with { OnHand = onHand, UpdatedAt = now };
    }
}

/// <summary>A requested change to one SKU's stock, as the outlet system sends it.</summary>
[GenerateSerializer, Alias("rn.StockAdjustment"), Immutable]
public sealed record StockAdjustment
{
    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required StockAdjustmentKind Kind { get; init; }

    [Id(2)] public required int Quantity { get; init; }

    [Id(3)] public required string Reason { get; init; }

    [Id(4)] public required string IdempotencyKey { get; init; }

    public static StockAdjustment Create(string? sku, StockAdjustmentKind kind, int quantity, string? reason, string? idempotencyKey)
    {
        var minimum = kind == StockAdjustmentKind.CountCorrection ? 0 : 1;
        if (quantity < minimum || quantity > StockLevel.MaxQuantity)
        {
            throw DomainException.Invalid("quantity", $"must be within [{minimum}, {StockLevel.MaxQuantity}] for {kind} (got {quantity})");
        }

        if (string.IsNullOrEmpty(idempotencyKey) || idempotencyKey.Length > 128 || idempotencyKey.Any(char.IsControl))
        {
            throw DomainException.Invalid("idempotency_key", "must be 1-128 printable characters");
        }

        return new StockAdjustment
        {
            Sku = Identifiers.RequireId(sku, "sku"),
            Kind = kind,
            Quantity = quantity,
            Reason = Identifiers.RequireText(reason, "reason", 500),
            IdempotencyKey = idempotencyKey,
        };
    }
}

/// <summary>One line of an outlet's stock ledger.</summary>
[GenerateSerializer, Alias("rn.StockMovement"), Immutable]
public sealed record StockMovement
{
    [Id(0)] public required long Sequence { get; init; }

    [Id(1)] public required StockAdjustment Adjustment { get; init; }

    /// <summary>Signed change of on-hand.</summary>
    [Id(2)] public required int OnHandDelta { get; init; }

    [Id(3)] public required int OnHandAfter { get; init; }

    [Id(4)] public required DateTimeOffset At { get; init; }

    /// <summary>The repair order a reservation movement belongs to; empty for adjustments.</summary>
    [Id(10)] public string OrderId { get; init; } = string.Empty;

    /// <summary>Units reserved after the movement (0 in movements stored before reservations existed, when none could be).</summary>
    [Id(11)] public int ReservedAfter { get; init; }
}
