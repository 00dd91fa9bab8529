using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Inventory;

/// <summary>So many units of one SKU.</summary>
[GenerateSerializer, Alias("rn.PartQuantity"), Immutable]
public sealed record PartQuantity
{
    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required int Quantity { get; init; }

    public static PartQuantity Of(string sku, int quantity) => new() { Sku = sku, Quantity = quantity };
}

/// <summary>Why an order's parts could not all be held: one line per SKU short.</summary>
[GenerateSerializer, Alias("rn.PartShortfall"), Immutable]
public sealed record PartShortfall
{
    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required int Requested { get; init; }

    [Id(2)] public required int Available { get; init; }
}

public enum ReservationStatus
{
    Held = 1,
    Released = 2,
    Consumed = 3,
}

/// <summary>The parts one outlet holds for one repair order.</summary>
[GenerateSerializer, Alias("rn.Reservation"), Immutable]
public sealed record Reservation
{
    [Id(0)] public required string OrderId { get; init; }

    /// <summary>One line per SKU, in SKU order.</summary>
    [Id(1)] public required ImmutableArray<PartQuantity> Lines { get; init; }

    [Id(2)] public required ReservationStatus Status { get; init; }

    [Id(3)] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>What the repair fitted, once consumed (one line per SKU, in SKU order).</summary>
    [Id(4)] public ImmutableArray<PartQuantity> Fitted { get; init; } = [];
}

/// <summary>
/// Stock changes made together against one outlet's levels: each records a ledger movement, and the
/// caller stores all of them or none. Pure; the levels given are not modified.
/// </summary>
public sealed class StockChange(IReadOnlyDictionary<string, StockLevel> levels, long lastSequence, DateTimeOffset now)
{
    private readonly Dictionary<string, StockLevel> _after = new(StringComparer.Ordinal);
    private readonly List<StockMovement> _movements = [];

    public DateTimeOffset Now => now;

    /// <summary>Levels changed so far, by SKU.</summary>
    public IReadOnlyDictionary<string, StockLevel> Levels => _after;

    /// <summary>Movements in the order they happened, numbered on from the ledger's last sequence.</summary>
    public IReadOnlyList<StockMovement> Movements => _movements;

    public StockLevel Level(string sku) => _after.GetValueOrDefault(sku) ?? levels.GetValueOrDefault(sku) ?? StockLevel.Empty(sku, now);

    public void Record(StockLevel before, StockLevel after, StockAdjustment what, string orderId = "")
    {
        _after[after.Sku] = after;
        _movements.Add(new StockMovement
        {
            Sequence = lastSequence + _movements.Count + 1,
            Adjustment = what,
            OnHandDelta = after.OnHand - before.OnHand,
            OnHandAfter = after.OnHand,
            ReservedAfter = after.Reserved,
            OrderId = orderId,
            At = now,
        });
    }
}

/// <summary>The rules of holding parts for repair orders.</summary>
public static class Reservations
{
    /// <summary>Most lines one order may reserve or fit.</summary>
    public const int MaxLines = 100;

    /// <summary>
    /// Checks and normalises an order's part lines: valid SKUs, 1 to <see cref="StockLevel.MaxQuantity"/>
    /// units each, at most <see cref="MaxLines"/> lines; repeated SKUs are summed; SKU order.
    /// </summary>
    public static ImmutableArray<PartQuantity> Lines(IReadOnlyList<PartQuantity>? parts, string field, bool allowEmpty)
    {
        parts ??= [];
        if (parts.Count == 0 && !allowEmpty)
        {
            throw DomainException.Invalid(field, "must name at least one part");
        }

        if (parts.Count > MaxLines)
        {
            throw DomainException.Invalid(field, $"must list at most {MaxLines} parts (got {parts.Count})");
        }

        var sums = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Count; i++)
        {
            var sku = Identifiers.RequireId(parts[i]?.Sku, $"{field}[{i}].sku");
            var quantity = parts[i].Quantity;
            if (quantity < 1 || quantity > StockLevel.MaxQuantity)
            {
                throw DomainException.Invalid($"{field}[{i}].quantity", $"must be within [1, {StockLevel.MaxQuantity}] (got {quantity})");
            }

            sums[sku] = sums.GetValueOrDefault(sku) + quantity;
            if (sums[sku] > StockLevel.MaxQuantity)
            {
                throw DomainException.Invalid($"{field}[{i}].quantity", $"'{sku}' adds up to more than {StockLevel.MaxQuantity}");
            }
        }

        return [.. sums.Select(p => PartQuantity.Of(p.Key, (int)p.Value))];
    }

    /// <summary>The lines that cannot be held now; empty when all can.</summary>
    public static ImmutableArray<PartShortfall> Shortfalls(StockChange change, ImmutableArray<PartQuantity> lines) =>
    [
        .. lines
            .Select(l => (Line: l, Available: change.Level(l.Sku).Available))
            .Where(x => x.Available < x.Line.Quantity)
            .Select(x => new PartShortfall { Sku = x.Line.Sku, Requested = x.Line.Quantity, Available = Math.Max(0, x.Available) }),
    ];

    /// <summary>Holds every line for the order; the caller has checked there is no shortfall.</summary>
    public static Reservation Hold(StockChange change, string orderId, ImmutableArray<PartQuantity> lines)
    {
        foreach (var line in lines)
        {
            var before = change.Level(line.Sku);
            change.Record(before, before.Reserve(line.Quantity, change.Now), Movement(line.Sku, StockAdjustmentKind.Reserve, line.Quantity, $"reserved for order {orderId}"), orderId);
        }

        return new Reservation { OrderId = orderId, Lines = lines, Status = ReservationStatus.Held, UpdatedAt = change.Now };
    }

    /// <summary>Gives back everything a held reservation holds.</summary>
    public static Reservation Release(StockChange change, Reservation reservation)
    {
        if (reservation.Status != ReservationStatus.Held)
        {
            return reservation;
        }

        foreach (var line in reservation.Lines)
        {
            var before = change.Level(line.Sku);
            change.Record(before, before.Unreserve(line.Quantity, change.Now), Movement(line.Sku, StockAdjustmentKind.Release, line.Quantity, $"released by order {reservation.OrderId}"), reservation.OrderId);
        }

        return reservation with { Status = ReservationStatus.Released, UpdatedAt = change.Now };
    }

    /// <summary>
    /// The repair fitted <paramref name="fitted"/>: per SKU, held units are fitted first, held units not
    /// fitted go back to available, and fitted units beyond the hold come from available stock
    /// (FAILED_PRECONDITION, naming the SKU, when there are not enough). <paramref name="held"/> is the
    /// order's held reservation, if any.
    /// </summary>
    public static Reservation Consume(StockChange change, string orderId, Reservation? held, ImmutableArray<PartQuantity> fitted)
    {
        var holding = held is { Status: ReservationStatus.Held } ? held.Lines : [];
        var skus = holding.Select(l => l.Sku).Union(fitted.Select(l => l.Sku), StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            var reserved = holding.FirstOrDefault(l => l.Sku == sku)?.Quantity ?? 0;
            var used = fitted.FirstOrDefault(l => l.Sku == sku)?.Quantity ?? 0;
            var fromHold = Math.Min(reserved, used);
            if (fromHold > 0)
            {
                var before = change.Level(sku);
                change.Record(before, before.ConsumeReserved(fromHold, change.Now), Movement(sku, StockAdjustmentKind.ConsumeReserved, fromHold, $"fitted in order {orderId}"), orderId);
            }

            if (reserved > fromHold)
            {
                var before = change.Level(sku);
                change.Record(before, before.Unreserve(reserved - fromHold, change.Now), Movement(sku, StockAdjustmentKind.Release, reserved - fromHold, $"reserved but not fitted in order {orderId}"), orderId);
            }

            if (used > fromHold)
            {
                var before = change.Level(sku);
                var extra = Movement(sku, StockAdjustmentKind.Consume, used - fromHold, $"fitted in order {orderId} beyond its reservation");
                change.Record(before, before.Apply(extra, change.Now), extra, orderId);
            }
        }

        return new Reservation
        {
            OrderId = orderId,
            Lines = held?.Lines ?? [],
            Status = ReservationStatus.Consumed,
            UpdatedAt = change.Now,
            Fitted = fitted,
        };
    }

    /// <summary>
    /// The held parts leave on a transfer to the outlet that will fit them: on hand and reserved both
    /// fall, recorded as TransferOut. The reservation ends consumed, its lines shipped.
    /// </summary>
    public static Reservation Ship(StockChange change, Reservation held, string transferId)
    {
        if (held.Status != ReservationStatus.Held)
        {
            throw DomainException.Precondition($"order '{held.OrderId}' holds no parts here to ship ({held.Status.ToString().ToLowerInvariant()})");
        }

        foreach (var line in held.Lines)
        {
            var before = change.Level(line.Sku);
            change.Record(before, before.ConsumeReserved(line.Quantity, change.Now), Movement(line.Sku, StockAdjustmentKind.TransferOut, line.Quantity, $"transfer {transferId}: held for order {held.OrderId}"), held.OrderId);
        }

        return held with { Status = ReservationStatus.Consumed, UpdatedAt = change.Now, Fitted = held.Lines };
    }

    private static StockAdjustment Movement(string sku, StockAdjustmentKind kind, int quantity, string reason) =>
        StockAdjustment.ByPlatform(sku, kind, quantity, reason, string.Empty);
}
