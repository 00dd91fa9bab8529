using System.Collections.Immutable;
using System.Globalization;
using Orleans;
using Orleans.Concurrency;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Grains.ServiceLevels;

/// <summary>One service-level event: an offer, a decline, a lapsed offer, a missed deadline, an escalation.</summary>
[GenerateSerializer, Alias("rn.ServiceEvent"), Immutable]
public sealed record ServiceEvent
{
    [Id(0)] public required string OrderId { get; init; }

    /// <summary>Position in the order's audit trail; with the order id it identifies the event.</summary>
    [Id(1)] public required int OrderRevision { get; init; }

    [Id(2)] public required OrderAction Action { get; init; }

    [Id(3)] public required DateTimeOffset At { get; init; }

    [Id(4)] public required string OutletId { get; init; }

    [Id(5)] public required string Region { get; init; }

    [Id(6)] public required string Detail { get; init; }

    /// <summary>The actions that are service-level events (the rest stay in the order's own trail).</summary>
    public static bool IsServiceLevel(OrderAction action) => action is OrderAction.Offered or OrderAction.OfferDeclined
        or OrderAction.OfferTimedOut or OrderAction.Escalated or OrderAction.ResponseDeadlineMissed
        or OrderAction.CompletionDeadlineMissed or OrderAction.ComplaintDeadlineMissed;
}

/// <summary>
/// The service-level events of one region in one UTC hour, split over <see cref="ServiceLogBuckets.Shards"/>
/// grains by order. Bucketing keeps each grain's state small and spreads writes, so a busy hour (a
/// national batch) never funnels through one grain; readers merge the shards of an hour.
/// </summary>
public interface IServiceLogGrain : IGrainWithStringKey
{
    Task Append(ServiceEvent serviceEvent);

    [ReadOnly]
    Task<ImmutableArray<ServiceEvent>> List();
}

public static class ServiceLogBuckets
{
    /// <summary>Bucket name for events with no outlet region (e.g. an order no outlet could take).</summary>
    public const string NoRegion = "_";

    /// <summary>The region an outlet's events are filed under; empty when the outlet is unknown.</summary>
    public static string RegionOf(Domain.Dispatch.OutletListing? outlet) => outlet?.Profile.Region ?? string.Empty;

    /// <summary>Grains per region and hour.</summary>
    public const int Shards = 8;

    /// <summary>The bucket an order's event goes to.</summary>
    public static string Key(string region, DateTimeOffset at, string orderId) => Key(region, at, ShardOf(orderId));

    public static string Key(string region, DateTimeOffset at, int shard) =>
        $"{(string.IsNullOrEmpty(region) ? NoRegion : region)}/{at.UtcDateTime:yyyyMMddHH}/{shard}";

    /// <summary>Every bucket of one region and hour.</summary>
    public static IEnumerable<string> KeysOf(string region, DateTimeOffset hour) =>
        Enumerable.Range(0, Shards).Select(shard => Key(region, hour, shard));

    private static int ShardOf(string orderId)
    {
        // Stable across processes (string.GetHashCode is randomized per process).
        uint hash = 2166136261;
        foreach (var c in orderId)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash % Shards);
    }

    /// <summary>Events in reading order: time, then order, then position in the order's trail.</summary>
    public static IEnumerable<ServiceEvent> InOrder(IEnumerable<ServiceEvent> events) =>
        events.OrderBy(e => e.At).ThenBy(e => e.OrderId, StringComparer.Ordinal).ThenBy(e => e.OrderRevision);

    /// <summary>Hour starts from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    public static IEnumerable<DateTimeOffset> Hours(DateTimeOffset from, DateTimeOffset to)
    {
        var hour = new DateTimeOffset(from.UtcDateTime.Year, from.UtcDateTime.Month, from.UtcDateTime.Day, from.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        for (; hour < to; hour = hour.AddHours(1))
        {
            yield return hour;
        }
    }

    public static DateTimeOffset ParseHour(string text) =>
        DateTimeOffset.ParseExact(text, "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

[GenerateSerializer, Alias("rn.ServiceLogState")]
public sealed class ServiceLogState
{
    [Id(0)] public List<ServiceEvent> Events { get; set; } = [];
}

public sealed class ServiceLogGrain(
    [PersistentState("service-log", StorageNames.Repair)] Orleans.Runtime.IPersistentState<ServiceLogState> state)
    : Grain, IServiceLogGrain
{
    public async Task Append(ServiceEvent serviceEvent)
    {
        if (state.State.Events.Any(e => e.OrderId == serviceEvent.OrderId && e.OrderRevision == serviceEvent.OrderRevision))
        {
            return; // a retried side effect
        }

        state.State.Events.Add(serviceEvent);
        await state.WriteOrRollbackAsync(this);
    }

    public Task<ImmutableArray<ServiceEvent>> List() =>
        Task.FromResult(ServiceLogBuckets.InOrder(state.State.Events).ToImmutableArray());
}
