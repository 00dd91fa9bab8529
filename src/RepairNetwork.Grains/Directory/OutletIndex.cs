using System.Collections.Concurrent;
using RepairNetwork.Domain.Dispatch;

namespace RepairNetwork.Grains.Directory;

/// <summary>
/// This silo's copy of the outlet directory. Lookups read <see cref="Current"/> without locks or
/// grain calls; writers swap in a new immutable snapshot. Beside it, the latest capacity hint per
/// outlet (jobs booked today), kept apart from the spatial snapshot because it changes with every
/// booking.
/// </summary>
public interface IOutletIndex
{
    OutletSpatialIndex Current { get; }

    /// <summary>True once the first full load from the directory has completed.</summary>
    bool IsLoaded { get; }

    void Apply(IReadOnlyCollection<OutletListing> listings);

    void MarkLoaded();

    /// <summary>Folds recent changes into the spatial tree (when the index is idle), so lookups skip the overlay.</summary>
    void Compact();

    /// <summary>Keeps the hint unless this index already holds a newer revision for the outlet.</summary>
    void ApplyHint(CapacityHint hint);

    /// <summary>The latest capacity hint known for the outlet, or null.</summary>
    CapacityHint? Hint(string outletId);

    /// <summary>Drops the hints of the outlets <paramref name="matches"/> selects (their source restarted).</summary>
    void ForgetHints(Func<string, bool> matches);
}

public sealed class OutletIndex : IOutletIndex
{
    private readonly Lock _writeLock = new();
    private readonly ConcurrentDictionary<string, CapacityHint> _hints = new(StringComparer.Ordinal);
    private volatile OutletSpatialIndex _current = OutletSpatialIndex.Empty;
    private volatile bool _loaded;

    public OutletSpatialIndex Current => _current;

    public bool IsLoaded => _loaded;

    public void Apply(IReadOnlyCollection<OutletListing> listings)
    {
        if (listings.Count == 0)
        {
            return;
        }

        lock (_writeLock)
        {
            _current = _current.With(listings);
        }
    }

    public void MarkLoaded() => _loaded = true;

    public void Compact()
    {
        lock (_writeLock)
        {
            _current = _current.Compacted();
        }
    }

    public void ApplyHint(CapacityHint hint) =>
        _hints.AddOrUpdate(hint.OutletId, static (_, offered) => offered, static (_, current, offered) => offered.Revision > current.Revision ? offered : current, hint);

    public CapacityHint? Hint(string outletId) => _hints.GetValueOrDefault(outletId);

    public void ForgetHints(Func<string, bool> matches)
    {
        foreach (var outletId in _hints.Keys)
        {
            if (matches(outletId))
            {
                _hints.TryRemove(outletId, out _);
            }
        }
    }
}
