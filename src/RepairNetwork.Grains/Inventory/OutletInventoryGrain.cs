using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Inventory;

namespace RepairNetwork.Grains.Inventory;

/// <summary>Spare-part stock of one outlet, with its ledger of movements.</summary>
public interface IOutletInventoryGrain : IGrainWithStringKey
{
    /// <summary>Stock per SKU in SKU order; only the given SKUs when any are given.</summary>
    [ReadOnly]
    Task<InventorySnapshot> Get(ImmutableArray<string> skus);

    /// <summary>Applies an adjustment once per idempotency key.</summary>
    Task<AdjustmentResult> Adjust(StockAdjustment adjustment);
}

[GenerateSerializer, Alias("rn.InventorySnapshot"), Immutable]
public sealed record InventorySnapshot
{
    [Id(0)] public required ImmutableArray<StockLevel> Levels { get; init; }

    [Id(1)] public required long Version { get; init; }
}

[GenerateSerializer, Alias("rn.AdjustmentResult"), Immutable]
public sealed record AdjustmentResult
{
    [Id(0)] public required StockLevel Level { get; init; }

    [Id(1)] public required bool Replayed { get; init; }
}

[GenerateSerializer, Alias("rn.OutletInventoryState")]
public sealed class OutletInventoryState
{
    [Id(0)] public Dictionary<string, StockLevel> Levels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every movement, oldest first; sums to on-hand per SKU.</summary>
    [Id(1)] public List<StockMovement> Ledger { get; set; } = [];

    /// <summary>Idempotency key → the ledger sequence it produced.</summary>
    [Id(2)] public Dictionary<string, long> AppliedKeys { get; set; } = new(StringComparer.Ordinal);

    [Id(3)] public long Version { get; set; }
}

public sealed class OutletInventoryGrain(
    [PersistentState("outlet-inventory", StorageNames.Repair)] IPersistentState<OutletInventoryState> state,
    TimeProvider clock) : Grain, IOutletInventoryGrain
{
    public Task<InventorySnapshot> Get(ImmutableArray<string> skus)
    {
        var levels = skus.IsDefaultOrEmpty
            ? state.State.Levels.Values
            : skus.Distinct().Select(sku => state.State.Levels.GetValueOrDefault(sku) ?? StockLevel.Empty(sku, default));
        return Task.FromResult(new InventorySnapshot
        {
            Levels = [.. levels.OrderBy(l => l.Sku, StringComparer.Ordinal)],
            Version = state.State.Version,
        });
    }

    public async Task<AdjustmentResult> Adjust(StockAdjustment adjustment)
    {
        if (state.State.AppliedKeys.TryGetValue(adjustment.IdempotencyKey, out var sequence))
        {
            var earlier = state.State.Ledger.Single(m => m.Sequence == sequence).Adjustment;
            if (earlier != adjustment)
            {
                throw DomainException.AlreadyExists($"idempotency_key '{Identifiers.Truncate(adjustment.IdempotencyKey)}' was already used for a different adjustment");
            }

            return new AdjustmentResult { Level = state.State.Levels[adjustment.Sku], Replayed = true };
        }

        var now = clock.GetUtcNow();
        var before = state.State.Levels.GetValueOrDefault(adjustment.Sku) ?? StockLevel.Empty(adjustment.Sku, now);
        var after = before.Apply(adjustment, now);
        var movement = new StockMovement
        {
            Sequence = state.State.Version + 1,
            Adjustment = adjustment,
            OnHandDelta = after.OnHand - before.OnHand,
            OnHandAfter = after.OnHand,
            At = now,
        };

        state.State.Levels[adjustment.Sku] = after;
        state.State.Ledger.Add(movement);
        state.State.AppliedKeys[adjustment.IdempotencyKey] = movement.Sequence;
        state.State.Version = movement.Sequence;
        await state.WriteOrRollbackAsync(this);
        return new AdjustmentResult { Level = after, Replayed = false };
    }
}
