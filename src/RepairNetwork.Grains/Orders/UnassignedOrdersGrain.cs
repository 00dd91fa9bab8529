using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace RepairNetwork.Grains.Orders;

/// <summary>
/// Headquarters' queue of orders no outlet could take. Append-only, so paging positions stay stable;
/// an order assigned by a later retry stays listed here and readers filter by the order's status. Only unassigned orders pass through it, so it
/// is not on the path of lookups or ordinary dispatch.
/// </summary>
public interface IUnassignedOrdersGrain : IGrainWithStringKey
{
    Task Add(string orderId);

    /// <summary>Order ids, newest first, starting at <paramref name="skip"/>.</summary>
    [ReadOnly]
    Task<ImmutableArray<string>> List(int skip, int take);
}

[GenerateSerializer, Alias("rn.UnassignedOrdersState")]
public sealed class UnassignedOrdersState
{
    /// <summary>Oldest first.</summary>
    [Id(0)] public List<string> OrderIds { get; set; } = [];
}

public sealed class UnassignedOrdersGrain(
    [PersistentState("unassigned-orders", StorageNames.Repair)] IPersistentState<UnassignedOrdersState> state)
    : Grain, IUnassignedOrdersGrain
{
    public const string NetworkKey = "network";

    public async Task Add(string orderId)
    {
        if (state.State.OrderIds.Contains(orderId))
        {
            return;
        }

        state.State.OrderIds.Add(orderId);
        await state.WriteOrRollbackAsync(this);
    }

    public Task<ImmutableArray<string>> List(int skip, int take)
    {
        return Task.FromResult(OrderFeeds.NewestFirst(state.State.OrderIds, skip, take));
    }
}
