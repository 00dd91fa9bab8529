using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain.Inventory;

namespace RepairNetwork.Grains.Inventory;

/// <summary>
/// One full page of an outlet's stock ledger moved out of the inventory grain's state (key
/// <c>{outletId}/{pageNumber}</c>), so the inventory's own writes stay small however long the ledger
/// grows. Page n holds sequences n × <see cref="Size"/> + 1 to (n + 1) × <see cref="Size"/>; it is
/// written once and never changes.
/// </summary>
public interface IStockLedgerPageGrain : IGrainWithStringKey
{
    public const int Size = 500;

    public static string Key(string outletId, long pageNumber) => $"{outletId}/{pageNumber}";

    public static long PageOf(long sequence) => SequencePages.PageOf(sequence, Size);

    /// <summary>Stores the page; storing it again (a retry after a crash) changes nothing.</summary>
    Task Store(ImmutableArray<StockMovement> movements);

    /// <summary>The page's movements, oldest first; empty when it was never stored.</summary>
    [ReadOnly]
    Task<ImmutableArray<StockMovement>> Get();
}

[GenerateSerializer, Alias("rn.StockLedgerPageState")]
public sealed class StockLedgerPageState
{
    [Id(0)] public ImmutableArray<StockMovement> Movements { get; set; } = [];
}

public sealed class StockLedgerPageGrain(
    [PersistentState("stock-ledger-page", StorageNames.Repair)] IPersistentState<StockLedgerPageState> state) : Grain, IStockLedgerPageGrain
{
    public async Task Store(ImmutableArray<StockMovement> movements)
    {
        if (!state.State.Movements.IsDefaultOrEmpty)
        {
            return;
        }

        state.State.Movements = movements;
        await state.WriteOrRollbackAsync(this);
    }

    public Task<ImmutableArray<StockMovement>> Get() =>
        Task.FromResult(state.State.Movements.IsDefault ? [] : state.State.Movements);
}
