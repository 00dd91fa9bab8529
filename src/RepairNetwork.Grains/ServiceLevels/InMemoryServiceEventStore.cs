namespace RepairNetwork.Grains.ServiceLevels;

/// <summary>
/// Service events held in this process (Storage:Mode=memory, one silo, and the test clusters): per
/// region, a set kept in reading order, so a page is a range scan from its start position.
/// </summary>
public sealed class InMemoryServiceEventStore : IServiceEventStore
{
    private static readonly IComparer<ServiceEvent> ReadingOrder = Comparer<ServiceEvent>.Create(ServiceEventPosition.Compare);

    private readonly Lock _lock = new();
    private readonly HashSet<(string OrderId, int OrderRevision)> _stored = [];
    private readonly Dictionary<string, SortedSet<ServiceEvent>> _byRegion = new(StringComparer.Ordinal);

    public Task Append(ServiceEvent serviceEvent)
    {
        ArgumentNullException.ThrowIfNull(serviceEvent);
        lock (_lock)
        {
            if (_stored.Add((serviceEvent.OrderId, serviceEvent.OrderRevision)))
            {
                var region = ServiceEventRegions.Key(serviceEvent.Region);
                if (!_byRegion.TryGetValue(region, out var events))
                {
                    _byRegion[region] = events = new SortedSet<ServiceEvent>(ReadingOrder);
                }

                events.Add(serviceEvent);
            }
        }

        return Task.CompletedTask;
    }

    public Task<ServiceEventPage> Read(ServiceEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);

        // Bounds for the range scan: events sorting before every real event at that time (no order id is empty).
        var lower = query.After is { } after && after.At >= query.Start ? Bound(after.At, after.OrderId, after.OrderRevision) : Bound(query.Start, string.Empty, int.MinValue);
        var upper = Bound(query.End, string.Empty, int.MinValue);
        var page = new List<ServiceEvent>();
        var more = false;
        lock (_lock)
        {
            if (ReadingOrder.Compare(lower, upper) < 0 && _byRegion.TryGetValue(ServiceEventRegions.Key(query.Region), out var events))
            {
                foreach (var e in events.GetViewBetween(lower, upper))
                {
                    if (e.At < query.Start || e.At >= query.End || query.After is not null && ServiceEventPosition.Compare(e, query.After) <= 0 || !query.Matches(e))
                    {
                        continue;
                    }

                    if (page.Count == query.Limit)
                    {
                        more = true;
                        break;
                    }

                    page.Add(e);
                }
            }
        }

        return Task.FromResult(new ServiceEventPage(page, more ? ServiceEventPosition.Of(page[^1]) : null));
    }

    private static ServiceEvent Bound(DateTimeOffset at, string orderId, int orderRevision) => new()
    {
        OrderId = orderId,
        OrderRevision = orderRevision,
        At = at,
        Action = default,
        OutletId = string.Empty,
        Region = string.Empty,
        Detail = string.Empty,
    };
}
