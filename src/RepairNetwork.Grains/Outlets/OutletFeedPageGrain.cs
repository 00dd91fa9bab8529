using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace RepairNetwork.Grains.Outlets;

/// <summary>
/// One full page of an outlet's job feed or job event feed, moved out of the outlet grain's state so
/// that a busy outlet's bookings keep writing a small state however long it has been open. Written
/// once, never changed. Keys: <c>{outletId}/jobs/{n}</c> and <c>{outletId}/events/{n}</c>; page n holds
/// entries n × <see cref="Size"/> + 1 to (n + 1) × <see cref="Size"/> (order of booking, or event sequence).
/// </summary>
public interface IOutletFeedPageGrain : IGrainWithStringKey
{
    public const int Size = 250;

    public static string JobsKey(string outletId, long page) => $"{outletId}/jobs/{page}";

    public static string EventsKey(string outletId, long page) => $"{outletId}/events/{page}";

    /// <summary>The page holding the entry at 1-based <paramref name="position"/>.</summary>
    public static long PageOf(long position) => SequencePages.PageOf(position, Size);

    /// <summary>Stores a page of order ids; storing it again (a retry after a crash) changes nothing.</summary>
    Task StoreOrderIds(ImmutableArray<string> orderIds);

    /// <summary>Stores a page of job events; storing it again changes nothing.</summary>
    Task StoreEvents(ImmutableArray<JobEvent> events);

    [ReadOnly]
    Task<ImmutableArray<string>> GetOrderIds();

    [ReadOnly]
    Task<ImmutableArray<JobEvent>> GetEvents();
}

[GenerateSerializer, Alias("rn.OutletFeedPageState")]
public sealed class OutletFeedPageState
{
    [Id(0)] public ImmutableArray<string> OrderIds { get; set; } = [];

    [Id(1)] public ImmutableArray<JobEvent> Events { get; set; } = [];
}

public sealed class OutletFeedPageGrain(
    [PersistentState("outlet-feed-page", StorageNames.Repair)] IPersistentState<OutletFeedPageState> state) : Grain, IOutletFeedPageGrain
{
    public async Task StoreOrderIds(ImmutableArray<string> orderIds)
    {
        if (!state.State.OrderIds.IsDefaultOrEmpty)
        {
            return;
        }

        state.State.OrderIds = orderIds;
        await state.WriteOrRollbackAsync(this);
    }

    public async Task StoreEvents(ImmutableArray<JobEvent> events)
    {
        if (!state.State.Events.IsDefaultOrEmpty)
        {
            return;
        }

        state.State.Events = events;
        await state.WriteOrRollbackAsync(this);
    }

    public Task<ImmutableArray<string>> GetOrderIds() => Task.FromResult(state.State.OrderIds.IsDefault ? [] : state.State.OrderIds);

    public Task<ImmutableArray<JobEvent>> GetEvents() => Task.FromResult(state.State.Events.IsDefault ? [] : state.State.Events);
}
