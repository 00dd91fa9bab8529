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

/// <summary>
/// Who chose a stock movement's idempotency key. Keys of each origin are kept apart, so a key a
/// client sends can never be one the platform makes for its own effects (a loaner coming back, a
/// transfer arriving), whatever text either holds.
/// </summary>
public enum KeyOrigin
{
    /// <summary>Stored before origins were recorded.</summary>
    Unrecorded = 0,

    /// <summary>Sent by a client (AdjustStock's idempotency_key).</summary>
    Client = 1,

    /// <summary>Made by the platform, by <see cref="PlatformKeys"/>.</summary>
    Platform = 2,
}

/// <summary>The idempotency keys the platform gives its own stock movements; all of them are <see cref="KeyOrigin.Platform"/>.</summary>
public static class PlatformKeys
{
    public static string TransferOut(string transferId, string sku) => $"transfer:{transferId}:out:{sku}";

    public static string TransferIn(string transferId, string sku) => $"transfer:{transferId}:in:{sku}";

    public static string TransferReturn(string transferId, string sku) => $"transfer:{transferId}:return:{sku}";

    public static string LoanerOut(string orderId) => $"loaner-out:{orderId}";

    public static string LoanerBack(string orderId) => $"loaner-back:{orderId}";

    /// <summary>Labels a count's corrections in the ledger; the count itself is applied once per sync id, kept apart from every adjustment key.</summary>
    public static string StockCount(string syncId) => $"sync:{syncId}";
}

/// <summary>A requested change to one SKU's stock, as the outlet system sends it or the platform makes it.</summary>
[GenerateSerializer, Alias("rn.StockAdjustment"), Immutable]
public sealed record StockAdjustment
{
    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required StockAdjustmentKind Kind { get; init; }

    [Id(2)] public required int Quantity { get; init; }

    [Id(3)] public required string Reason { get; init; }

    /// <summary>The key as its origin chose it (a client sees back exactly what it sent).</summary>
    [Id(4)] public required string IdempotencyKey { get; init; }

    /// <summary>Whose key <see cref="IdempotencyKey"/> is: the namespace it is applied once in.</summary>
    [Id(5)] public required KeyOrigin KeyOrigin { get; init; }

    /// <summary>The platform's own adjustment, under a key from <see cref="PlatformKeys"/>.</summary>
    public static StockAdjustment ByPlatform(string sku, StockAdjustmentKind kind, int quantity, string reason, string key) =>
        new() { Sku = sku, Kind = kind, Quantity = quantity, Reason = reason, IdempotencyKey = key, KeyOrigin = KeyOrigin.Platform };

    /// <summary>
    /// The same change under the same key: a retry to replay. The origin is not compared: the key was
    /// found among its origin's keys, or among those stored before origins were recorded.
    /// </summary>
    public bool SameChangeAs(StockAdjustment other) =>
        Sku == other.Sku && Kind == other.Kind && Quantity == other.Quantity && Reason == other.Reason && IdempotencyKey == other.IdempotencyKey;

    /// <summary>A client's adjustment; its key lives among client keys only.</summary>
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
            KeyOrigin = KeyOrigin.Client,
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
