using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Inventory;

/// <summary>Where a physical count differs from the books.</summary>
[GenerateSerializer, Alias("rn.StockDifference"), Immutable]
public sealed record StockDifference
{
    [Id(0)] public required string Sku { get; init; }

    /// <summary>On hand by the books before the count.</summary>
    [Id(1)] public required int Expected { get; init; }

    [Id(2)] public required int Counted { get; init; }

    public int Delta => Counted - Expected;
}

/// <summary>A full physical count, applied once per sync id.</summary>
[GenerateSerializer, Alias("rn.StockSync"), Immutable]
public sealed record StockSync
{
    [Id(0)] public required string SyncId { get; init; }

    /// <summary>What was counted, one line per SKU in SKU order (quantity may be 0).</summary>
    [Id(1)] public required ImmutableArray<PartQuantity> Counts { get; init; }

    /// <summary>The SKUs whose count differed from the books, in SKU order.</summary>
    [Id(2)] public required ImmutableArray<StockDifference> Differences { get; init; }

    [Id(3)] public required DateTimeOffset At { get; init; }
}

/// <summary>The rules of applying an outlet's physical count.</summary>
public static class StockCounts
{
    /// <summary>Most SKUs one sync may count.</summary>
    public const int MaxCounts = 2000;

    /// <summary>
    /// Checks a count: 1 to <see cref="MaxCounts"/> lines, valid SKUs each counted once, 0 to
    /// <see cref="StockLevel.MaxQuantity"/> units; returns it in SKU order.
    /// </summary>
    public static ImmutableArray<PartQuantity> Lines(IReadOnlyList<PartQuantity>? counts, string field)
    {
        counts ??= [];
        if (counts.Count == 0 || counts.Count > MaxCounts)
        {
            throw DomainException.Invalid(field, $"must count 1-{MaxCounts} SKUs (got {counts.Count})");
        }

        var seen = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < counts.Count; i++)
        {
            var sku = Identifiers.RequireId(counts[i]?.Sku, $"{field}[{i}].sku");
            var quantity = counts[i].Quantity;
            if (quantity < 0 || quantity > StockLevel.MaxQuantity)
            {
                throw DomainException.Invalid($"{field}[{i}].on_hand", $"must be within [0, {StockLevel.MaxQuantity}] (got {quantity})");
            }

            if (!seen.TryAdd(sku, quantity))
            {
                throw DomainException.Invalid($"{field}[{i}].sku", $"'{sku}' is counted more than once");
            }
        }

        return [.. seen.Select(p => PartQuantity.Of(p.Key, p.Value))];
    }

    /// <summary>
    /// Sets on hand to the count for every counted SKU (a count correction where it differs); SKUs not
    /// counted keep their stock. A count below what is reserved for repair orders is
    /// FAILED_PRECONDITION naming the SKU, checked before anything changes.
    /// </summary>
    public static StockSync Apply(StockChange change, string syncId, ImmutableArray<PartQuantity> counts)
    {
        var below = counts.FirstOrDefault(c => c.Quantity < change.Level(c.Sku).Reserved);
        if (below is not null)
        {
            throw DomainException.Precondition($"{below.Sku}: counted {below.Quantity} but {change.Level(below.Sku).Reserved} are reserved for repair orders; release them first, nothing was applied");
        }

        var differences = ImmutableArray.CreateBuilder<StockDifference>();
        foreach (var count in counts)
        {
            var before = change.Level(count.Sku);
            if (before.OnHand == count.Quantity)
            {
                continue;
            }

            var correction = StockAdjustment.ByPlatform(count.Sku, StockAdjustmentKind.CountCorrection, count.Quantity, $"stock count {syncId}", PlatformKeys.StockCount(syncId));
            change.Record(before, before.Apply(correction, change.Now), correction);
            differences.Add(new StockDifference { Sku = count.Sku, Expected = before.OnHand, Counted = count.Quantity });
        }

        return new StockSync { SyncId = syncId, Counts = counts, Differences = differences.ToImmutable(), At = change.Now };
    }
}
