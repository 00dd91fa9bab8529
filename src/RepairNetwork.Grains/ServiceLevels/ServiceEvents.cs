using System.Collections.Immutable;
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

    /// <summary>The outlet's region; empty when the event has none (see <see cref="ServiceEventRegions.NoRegion"/>).</summary>
    [Id(5)] public required string Region { get; init; }

    [Id(6)] public required string Detail { get; init; }

    /// <summary>The actions that are service-level events (the rest stay in the order's own trail).</summary>
    public static bool IsServiceLevel(OrderAction action) => action is OrderAction.Offered or OrderAction.OfferDeclined
        or OrderAction.OfferTimedOut or OrderAction.Escalated or OrderAction.ResponseDeadlineMissed
        or OrderAction.CompletionDeadlineMissed or OrderAction.ComplaintDeadlineMissed;
}

public static class ServiceEventRegions
{
    /// <summary>The region events with no outlet region are listed under (e.g. an order no outlet could take).</summary>
    public const string NoRegion = "_";

    /// <summary>The region an outlet's events are filed under; empty when the outlet is unknown.</summary>
    public static string RegionOf(Domain.Dispatch.OutletListing? outlet) => outlet?.Profile.Region ?? string.Empty;

    /// <summary>
    /// The region an event is stored and read under: its own, or <see cref="NoRegion"/> for none. No
    /// real region can be "_" (region ids start with a letter or digit), so the two never mix.
    /// </summary>
    public static string Key(string? region) => string.IsNullOrEmpty(region) ? NoRegion : region;
}

/// <summary>
/// Where an event sits in reading order: time, then order id (ordinal), then position in the order's
/// trail. Unique per event, so a page can resume right after the last event it returned.
/// </summary>
public sealed record ServiceEventPosition(DateTimeOffset At, string OrderId, int OrderRevision)
{
    public static ServiceEventPosition Of(ServiceEvent e) => new(e.At, e.OrderId, e.OrderRevision);

    public static int Compare(ServiceEventPosition x, ServiceEventPosition y) =>
        Compare(x.At, x.OrderId, x.OrderRevision, y.At, y.OrderId, y.OrderRevision);

    public static int Compare(ServiceEvent x, ServiceEventPosition y) =>
        Compare(x.At, x.OrderId, x.OrderRevision, y.At, y.OrderId, y.OrderRevision);

    public static int Compare(ServiceEvent x, ServiceEvent y) =>
        Compare(x.At, x.OrderId, x.OrderRevision, y.At, y.OrderId, y.OrderRevision);

    private static int Compare(DateTimeOffset xAt, string xOrder, int xRevision, DateTimeOffset yAt, string yOrder, int yRevision)
    {
        var byTime = xAt.UtcTicks.CompareTo(yAt.UtcTicks);
        if (byTime != 0)
        {
            return byTime;
        }

        var byOrder = string.CompareOrdinal(xOrder, yOrder);
        return byOrder != 0 ? byOrder : xRevision.CompareTo(yRevision);
    }
}

/// <summary>
/// Events of one region with <see cref="ServiceEventQuery.Start"/> &lt;= time &lt; <see cref="ServiceEventQuery.End"/>,
/// in reading order, after <see cref="After"/> when set, at most <see cref="Limit"/> of them.
/// </summary>
/// <param name="Region">A region, or empty / <see cref="ServiceEventRegions.NoRegion"/> for events without one.</param>
public sealed record ServiceEventQuery(string Region, DateTimeOffset Start, DateTimeOffset End, int Limit)
{
    /// <summary>Only this outlet's events; null for every outlet of the region.</summary>
    public string? OutletId { get; init; }

    /// <summary>Only these actions; empty for all.</summary>
    public IReadOnlySet<OrderAction> Actions { get; init; } = ImmutableHashSet<OrderAction>.Empty;

    /// <summary>Resume after this position (exclusive): the <see cref="ServiceEventPage.Next"/> of the previous page.</summary>
    public ServiceEventPosition? After { get; init; }

    /// <summary>True when the event passes the outlet and action filters (region and period are the store's to check).</summary>
    public bool Matches(ServiceEvent e) =>
        (OutletId is null || e.OutletId == OutletId) && (Actions.Count == 0 || Actions.Contains(e.Action));
}

/// <summary>A page of events; <see cref="Next"/> is where the next page starts, null when nothing more matches.</summary>
public sealed record ServiceEventPage(IReadOnlyList<ServiceEvent> Events, ServiceEventPosition? Next);

/// <summary>
/// The append-only record of service-level events. Appends are idempotent on (order id, order
/// revision): an order replays its effects after a crash, and a replayed event must not be listed
/// twice. When <see cref="Append"/> completes, the event is stored for good.
/// </summary>
public interface IServiceEventStore
{
    /// <summary>Stores the event; one already stored under the same order id and revision is ignored.</summary>
    Task Append(ServiceEvent serviceEvent);

    Task<ServiceEventPage> Read(ServiceEventQuery query, CancellationToken cancellationToken = default);
}
